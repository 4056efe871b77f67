package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.server.config.ServerConfig;
import dev.sluice.testkit.TestCa;
import dev.sluice.tls.TlsContext;
import dev.sluice.tls.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.tls} through real clients: the JDK's HTTP client over HTTPS, clients that do not
 * trust the CA or have no client certificate, TLS 1.1, a plaintext client, and rotation under
 * load. Two servers for the class: one without client authentication (rotating every 200 ms),
 * one requiring client certificates.
 */
class ServerTlsTest {
  private static final String RULES = """
      rules:
        - id: api
          match: {path: "/api/**"}
          limits: [{window: 1h, max: 1000000}]
      """;
  private static final String CHECK = "{\"client_id\":\"u1\",\"rule_id\":\"api\"}";

  @TempDir static Path dir;
  static TestCa ca;
  static SluiceServer open;
  static SluiceServer mutual;
  static TlsContext trusting;
  static TlsContext withClientCert;

  @BeforeAll
  static void start() throws IOException {
    ca = TestCa.create("sluice-server-tls-root");
    TestCa.Issued first = ca.server();
    first.writeChain(dir.resolve("tls.crt"));
    first.writeKeyTraditional(dir.resolve("tls.key"));
    Path caFile = ca.writeCertificate(dir.resolve("ca.crt"));
    Files.writeString(dir.resolve("rules.yaml"), RULES);
    open = server("open.yaml", "{cert: tls.crt, key: tls.key, reload-interval: 200ms}");
    mutual = server("mutual.yaml",
        "{cert: tls.crt, key: tls.key, ca: ca.crt, client-auth: required}");
    trusting = TlsContext.open(TlsSettings.client("test.tls", caFile));
    TestCa.Issued me = ca.client("tester");
    withClientCert = TlsContext.open(TlsSettings.client("test.tls", caFile).withCertificates(
        List.of(TlsSettings.CertificateFiles.of("test.tls",
            me.writeChain(dir.resolve("me.crt")), me.writeKeyPkcs8(dir.resolve("me.key"))))));
  }

  private static SluiceServer server(String name, String tls) throws IOException {
    Path cfg = dir.resolve(name);
    // relative paths: against the configuration file's folder
    Files.writeString(cfg, "server: {tls: " + tls + "}\nrules: {file: rules.yaml}\n");
    return SluiceServer.start(ServerConfig.load(cfg, n -> null).withPort(0));
  }

  @AfterAll
  static void stop() {
    open.close();
    mutual.close();
    trusting.close();
    withClientCert.close();
  }

  private static HttpClient client(SSLContext ssl) {
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpResponse<String> check(HttpClient c, SluiceServer s) throws Exception {
    return c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + s.port()
            + "/rate-limit/check")).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(CHECK)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aCheckOverHttps_andTheMetricsShowTheExpiry() throws Exception {
    HttpClient c = client(trusting.sslContext());
    assertThat(check(c, open).statusCode()).isEqualTo(200);
    String metrics = c.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
        + open.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).contains("sluice_tls_certificate_expiry_seconds{key=\"server.tls.cert\"}")
        .contains("sluice_tls_reloads_total{key=\"server.tls\",result=\"failure\"}");
  }

  @Test
  void aClientThatDoesNotTrustTheCa_isRefused() throws Exception {
    assertThatThrownBy(() -> check(client(SSLContext.getDefault()), open))
        .isInstanceOf(IOException.class);
  }

  @Test
  void clientAuthRequired_refusesAClientWithoutCertificate() throws Exception {
    assertThat(check(client(withClientCert.sslContext()), mutual).statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> check(client(trusting.sslContext()), mutual))
        .isInstanceOf(IOException.class);
  }

  @Test
  void tls11_isRefused() throws Exception {
    // The JDK will not even offer TLS 1.1; OpenSSL can, at security level 0.
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + open.port(),
        "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0").redirectErrorStream(true).start();
    p.getOutputStream().close();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isNotZero();
    // no cipher agreed and no certificate sent: the server refused the handshake
    assertThat(out).contains("Cipher is (NONE)").doesNotContain("BEGIN CERTIFICATE");
  }

  @Test
  void aPlaintextClient_getsACleanClose() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", open.port()), 5000);
      s.setSoTimeout(1000);
      s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      int first;
      try {
        first = in.read();
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the TLS port kept a plaintext client waiting", e);
      }
      // closed, or a TLS alert record (content type 21)
      assertThat(first).isIn(-1, 21);
    }
  }

  @Test
  void rotationUnderLoad_losesNoRequest() throws Exception {
    HttpClient c = client(trusting.sslContext());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    List<Thread> load = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      load.add(Thread.ofVirtual().start(() -> {
        while (!stop.get()) {
          try {
            // a new client now and then: new connections see the rotated pair
            HttpClient each = ok.get() % 50 == 0 ? client(trusting.sslContext()) : c;
            int status = check(each, open).statusCode();
            if (status != 200) {
              throw new AssertionError("status " + status);
            }
            ok.incrementAndGet();
          } catch (Throwable t) {
            failed.compareAndSet(null, t);
          }
        }
      }));
    }
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > 50);
      TestCa.Issued second = ca.server();
      Path staging = Files.createTempDirectory(dir, "next");
      Files.move(second.writeKeyPkcs8(staging.resolve("k")), dir.resolve("tls.key"),
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.move(second.writeChain(staging.resolve("c")), dir.resolve("tls.crt"),
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      await().atMost(Duration.ofSeconds(10)).until(() -> servedSerial(open.port())
          .equals(second.certificate().getSerialNumber()));
      int at = ok.get();
      await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() > at + 50);
    } finally {
      stop.set(true);
      for (Thread t : load) {
        t.join(15_000);
      }
    }
    assertThat(failed.get()).isNull();
  }

  private static BigInteger servedSerial(int port) throws Exception {
    // a fresh context: no session to resume, so the certificate served now is seen
    SSLContext fresh = SSLContext.getInstance("TLS");
    fresh.init(null, new javax.net.ssl.TrustManager[] {trusting.trustManager()}, null);
    try (SSLSocket s = (SSLSocket) fresh.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
