package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.TestCa;
import dev.sluice.tls.TlsContext;
import dev.sluice.tls.TlsSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.KeyCertOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway.tls} (two certificates chosen by SNI), {@code gateway.admin.tls}, and
 * {@code https://} upstreams: Vert.x HTTPS upstreams with certificates of a test CA (one
 * speaking HTTP/2), one with a certificate of another CA, refused unless the upstream's block
 * sets {@code insecure-skip-verify}.
 */
class GatewayTlsTest {
  @TempDir static Path dir;
  static TestCa ca;
  static Vertx vertx;
  static TlsContext trusting;
  static TlsContext upstreamTls;
  static TlsContext rogueTls;
  static int good;
  static int h2;
  static int rogue;
  static SluiceGateway gw;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create("sluice-gateway-tls-root");
    Path caFile = ca.writeCertificate(dir.resolve("ca.crt"));
    TestCa.Issued a = ca.server(TestCa.KeyType.RSA, "a.example", "localhost", "127.0.0.1");
    a.writeChain(dir.resolve("a.crt"));
    a.writeKeyPkcs8(dir.resolve("a.key"));
    TestCa.Issued b = ca.server(TestCa.KeyType.RSA, "b.example");
    b.writeChain(dir.resolve("b.crt"));
    b.writeKeyPkcs8(dir.resolve("b.key"));
    TestCa.Issued up = ca.server();
    upstreamTls = TlsContext.open(TlsSettings.server("up.tls", up.writeChain(
        dir.resolve("up.crt")), up.writeKeyPkcs8(dir.resolve("up.key"))));
    TestCa other = TestCa.create("someone-else");
    TestCa.Issued r = other.server();
    rogueTls = TlsContext.open(TlsSettings.server("rogue.tls", r.writeChain(
        dir.resolve("rogue.crt")), r.writeKeyPkcs8(dir.resolve("rogue.key"))));
    trusting = TlsContext.open(TlsSettings.client("test.tls", caFile));
    vertx = Vertx.vertx();
    good = upstream(upstreamTls, false, "good");
    h2 = upstream(upstreamTls, true, "h2");
    rogue = upstream(rogueTls, false, "rogue");
    Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    Path cfg = dir.resolve("gateway.yaml");
    Files.writeString(cfg, """
        rules: {file: rules.yaml}
        gateway:
          tls:
            cert: a.crt
            key: a.key
            certificates: [{cert: b.crt, key: b.key}]
          admin: {tls: {cert: a.crt, key: a.key}}
          routes:
            - {match: {path: "/good/**"}, upstream: good}
            - {match: {path: "/h2/**"}, upstream: h2}
            - {match: {path: "/rogue/**"}, upstream: rogue}
            - {match: {path: "/skip/**"}, upstream: skip}
          upstreams:
            good:
              hosts: [{url: "https://localhost:%d"}]
              tls: {ca: ca.crt}
              health-check: {path: /healthz, interval: 200ms, timeout: 200ms}
            h2:
              hosts: [{url: "https://localhost:%d"}]
              tls: {ca: ca.crt}
              http2: true
            rogue:
              hosts: [{url: "https://localhost:%d"}]
              tls: {ca: ca.crt}
              retry: {attempts: 0}
            skip:
              hosts: [{url: "https://localhost:%d"}]
              tls: {insecure-skip-verify: true}
        """.formatted(good, h2, rogue, rogue));
    gw = SluiceGateway.start(GatewayConfig.load(cfg, n -> null).withPorts(0, 0), null);
    client = HttpClient.newBuilder().sslContext(trusting.sslContext())
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** An HTTPS upstream answering its name and the protocol version it was spoken to in. */
  private static int upstream(TlsContext tls, boolean http2, String name) throws Exception {
    HttpServerOptions o = new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
        .setKeyCertOptions(KeyCertOptions.wrap(tls.keyManagerFactory()));
    if (http2) {
      o.setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    }
    HttpServer s = vertx.createHttpServer(o).requestHandler(req -> req.response()
        .end(name + " " + req.version())).listen().toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    return s.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    gw.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    trusting.close();
    upstreamTls.close();
    rogueTls.close();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anHttpsUpstream_isProxied() throws Exception {
    HttpResponse<String> r = get(gw.port(), "/good/x");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("good HTTP_1_1");
  }

  @Test
  void anUpstreamWithHttp2_isSpokenToInHttp2() throws Exception {
    HttpResponse<String> r = get(gw.port(), "/h2/x");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("h2 HTTP_2");
  }

  @Test
  void anUpstreamOfAnotherCa_is502_unlessVerificationIsSkipped() throws Exception {
    HttpResponse<String> r = get(gw.port(), "/rogue/x");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    HttpResponse<String> skipped = get(gw.port(), "/skip/x");
    assertThat(skipped.statusCode()).isEqualTo(200);
    assertThat(skipped.body()).isEqualTo("rogue HTTP_1_1");
  }

  @Test
  void theListener_servesTheCertificateOfTheNameSent() throws Exception {
    assertThat(servedNames("b.example")).contains("b.example");
    assertThat(servedNames("a.example")).contains("a.example");
    assertThat(servedNames(null)).contains("a.example");
  }

  @Test
  void theAdminListener_speaksTls_andShowsEveryExpiry() throws Exception {
    String metrics = get(gw.adminPort(), "/metrics").body();
    assertThat(metrics)
        .contains("sluice_tls_certificate_expiry_seconds{key=\"gateway.tls.cert\"}")
        .contains("sluice_tls_certificate_expiry_seconds{key=\"gateway.tls.certificates[0].cert\"}")
        .contains("sluice_tls_certificate_expiry_seconds{key=\"gateway.admin.tls.cert\"}")
        .contains("sluice_tls_certificate_expiry_seconds{key=\"gateway.upstreams.good.tls.ca\"}");
  }

  /** The DNS names of the certificate the gateway serves when the client sends {@code sni}. */
  private static List<String> servedNames(String sni) throws Exception {
    SSLContext fresh = SSLContext.getInstance("TLS");
    fresh.init(null, new javax.net.ssl.TrustManager[] {trusting.trustManager()}, null);
    try (SSLSocket s = (SSLSocket) fresh.getSocketFactory().createSocket("127.0.0.1",
        gw.port())) {
      s.setSoTimeout(5000);
      SSLParameters p = s.getSSLParameters();
      if (sni != null) {
        p.setServerNames(List.of(new SNIHostName(sni)));
      }
      s.setSSLParameters(p);
      s.startHandshake();
      X509Certificate c = (X509Certificate) s.getSession().getPeerCertificates()[0];
      return c.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1)))
          .toList();
    }
  }
}
