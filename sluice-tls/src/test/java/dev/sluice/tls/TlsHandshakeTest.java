package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.TestCa;
import dev.sluice.testkit.TestCa.Issued;
import dev.sluice.testkit.TestCa.KeyType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real handshakes over loopback with every key form, chains, client certificates and SNI. */
class TlsHandshakeTest {
  static TestCa ca;
  @TempDir Path dir;

  @BeforeAll
  static void makeCa() {
    ca = TestCa.create("sluice-test-root");
  }

  private TlsContext client() {
    return TlsContext.open(TlsSettings.client("test.tls", ca.writeCertificate(dir.resolve(
        "ca.crt"))));
  }

  private void assertServes(Path cert, Path key, String password, X509Certificate expected)
      throws IOException {
    TlsSettings s = new TlsSettings("server.tls", TlsSettings.Role.SERVER,
        List.of(new TlsSettings.CertificateFiles("server.tls", cert, key, password)), null,
        TlsSettings.ClientAuth.NONE, TlsSettings.SUPPORTED_PROTOCOLS, false,
        TlsSettings.DEFAULT_RELOAD_INTERVAL);
    try (TlsContext server = TlsContext.open(s); TlsContext client = client();
        Loopback lb = new Loopback(server); SSLSocket c = lb.connect(client)) {
      assertThat(c.getSession().getPeerCertificates()[0]).isEqualTo(expected);
      assertThat(c.getSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(Loopback.roundTrip(c, "hello")).isEqualTo("hello");
    }
  }

  @Test
  void handshake_withRsaKeyAsPkcs8() throws IOException {
    Issued i = ca.server();
    assertServes(i.writeChain(dir.resolve("tls.crt")), i.writeKeyPkcs8(dir.resolve("tls.key")),
        null, i.certificate());
  }

  @Test
  void handshake_withRsaKeyAsPkcs1() throws IOException {
    Issued i = ca.server();
    Path key = i.writeKeyTraditional(dir.resolve("tls.key"));
    assertThat(Files.readString(key)).contains("BEGIN RSA PRIVATE KEY");
    assertServes(i.writeChain(dir.resolve("tls.crt")), key, null, i.certificate());
  }

  @Test
  void handshake_withEcKeyAsPkcs8() throws IOException {
    Issued i = ca.server(KeyType.EC, "localhost", "127.0.0.1");
    assertServes(i.writeChain(dir.resolve("tls.crt")), i.writeKeyPkcs8(dir.resolve("tls.key")),
        null, i.certificate());
  }

  @Test
  void handshake_withEcKeyAsSec1() throws IOException {
    Issued i = ca.server(KeyType.EC, "localhost", "127.0.0.1");
    Path key = i.writeKeyTraditional(dir.resolve("tls.key"));
    assertThat(Files.readString(key)).contains("BEGIN EC PRIVATE KEY");
    assertServes(i.writeChain(dir.resolve("tls.crt")), key, null, i.certificate());
  }

  @Test
  void handshake_withEncryptedPkcs8Key() throws IOException {
    Issued i = ca.server();
    Path key = i.writeKeyEncrypted(dir.resolve("tls.key"), "s3cret");
    assertThat(Files.readString(key)).contains("BEGIN ENCRYPTED PRIVATE KEY");
    assertServes(i.writeChain(dir.resolve("tls.crt")), key, "s3cret", i.certificate());
  }

  @Test
  void handshake_withKeyWrittenByOpenssl() throws Exception {
    // keys as the openssl command line writes them, the way most operators make them
    Issued i = ca.server(KeyType.EC, "localhost", "127.0.0.1");
    Path sec1 = i.writeKeyTraditional(dir.resolve("sec1.key"));
    Path enc = dir.resolve("enc.key");
    Process p = new ProcessBuilder("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc",
        "-in", sec1.toString(), "-out", enc.toString(), "-passout", "pass:pw")
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    assertServes(i.writeChain(dir.resolve("tls.crt")), enc, "pw", i.certificate());
  }

  @Test
  void handshake_servesTheChainThroughAnIntermediate() throws IOException {
    TestCa intermediate = ca.intermediate("sluice-test-intermediate");
    Issued i = intermediate.server();
    Path cert = i.writeChain(dir.resolve("tls.crt"));
    try (TlsContext server = TlsContext.open(TlsSettings.server("server.tls", cert,
            i.writeKeyPkcs8(dir.resolve("tls.key"))));
        TlsContext client = client(); Loopback lb = new Loopback(server);
        SSLSocket c = lb.connect(client)) {
      assertThat(c.getSession().getPeerCertificates()).hasSize(2);
      assertThat(Loopback.roundTrip(c, "chain")).isEqualTo("chain");
    }
  }

  @Test
  void handshake_refusesAServerSignedByAnotherCa() throws IOException {
    Issued i = TestCa.create("someone-else").server();
    try (TlsContext server = TlsContext.open(TlsSettings.server("server.tls",
            i.writeChain(dir.resolve("tls.crt")), i.writeKeyPkcs8(dir.resolve("tls.key"))));
        TlsContext client = client(); Loopback lb = new Loopback(server)) {
      assertThatThrownBy(() -> lb.connect(client).close()).isInstanceOf(SSLException.class)
          .hasMessageContaining("PKIX");
    }
  }

  @Test
  void handshake_refusesAServerWhoseNameDoesNotMatch() throws IOException {
    Issued i = ca.server(KeyType.RSA, "other.example");
    try (TlsContext server = TlsContext.open(TlsSettings.server("server.tls",
            i.writeChain(dir.resolve("tls.crt")), i.writeKeyPkcs8(dir.resolve("tls.key"))));
        TlsContext client = client(); Loopback lb = new Loopback(server)) {
      assertThatThrownBy(() -> lb.connect(client).close()).isInstanceOf(SSLException.class)
          .hasMessageContaining("localhost");
    }
  }

  private TlsSettings mutual(Issued server, TlsSettings.ClientAuth auth) {
    return TlsSettings.server("server.tls", server.writeChain(dir.resolve("tls.crt")),
            server.writeKeyPkcs8(dir.resolve("tls.key")))
        .withClientAuth(ca.writeCertificate(dir.resolve("ca.crt")), auth);
  }

  private TlsContext clientWith(Issued cert) {
    return TlsContext.open(TlsSettings.client("test.tls", ca.writeCertificate(dir.resolve(
        "ca.crt"))).withCertificates(List.of(TlsSettings.CertificateFiles.of("test.tls",
            cert.writeChain(dir.resolve("client.crt")),
            cert.writeKeyTraditional(dir.resolve("client.key"))))));
  }

  @Test
  void clientAuthRequired_refusesAClientWithoutCertificate() throws Exception {
    try (TlsContext server = TlsContext.open(mutual(ca.server(),
            TlsSettings.ClientAuth.REQUIRED));
        TlsContext client = client(); Loopback lb = new Loopback(server)) {
      // TLS 1.3 reports the refusal on the first read after the handshake
      assertThatThrownBy(() -> {
        try (SSLSocket c = lb.connect(client)) {
          Loopback.roundTrip(c, "let me in");
        }
      }).isInstanceOf(IOException.class);
    }
  }

  @Test
  void clientAuthRequired_acceptsAClientCertificateOfTheCa() throws Exception {
    try (TlsContext server = TlsContext.open(mutual(ca.server(),
            TlsSettings.ClientAuth.REQUIRED));
        TlsContext client = clientWith(ca.client("envoy", KeyType.EC));
        Loopback lb = new Loopback(server); SSLSocket c = lb.connect(client)) {
      assertThat(Loopback.roundTrip(c, "mtls")).isEqualTo("mtls");
      assertThat(lb.clientSubjects).contains("CN=envoy");
    }
  }

  @Test
  void clientAuthRequired_refusesAClientCertificateOfAnotherCa() throws Exception {
    Issued rogue = TestCa.create("rogue").client("mallory");
    try (TlsContext server = TlsContext.open(mutual(ca.server(),
            TlsSettings.ClientAuth.REQUIRED));
        TlsContext client = TlsContext.open(TlsSettings.client("test.tls",
            ca.writeCertificate(dir.resolve("ca.crt"))).withCertificates(List.of(
                TlsSettings.CertificateFiles.of("test.tls", rogue.writeChain(dir.resolve(
                    "m.crt")), rogue.writeKeyPkcs8(dir.resolve("m.key"))))));
        Loopback lb = new Loopback(server)) {
      assertThatThrownBy(() -> {
        try (SSLSocket c = lb.connect(client)) {
          Loopback.roundTrip(c, "let me in");
        }
      }).isInstanceOf(IOException.class);
      assertThat(lb.clientSubjects).doesNotContain("CN=mallory");
    }
  }

  @Test
  void clientAuthOptional_acceptsClientsWithAndWithout() throws Exception {
    try (TlsContext server = TlsContext.open(mutual(ca.server(),
            TlsSettings.ClientAuth.OPTIONAL));
        TlsContext anonymous = client(); TlsContext named = clientWith(ca.client("named"));
        Loopback lb = new Loopback(server); SSLSocket a = lb.connect(anonymous);
        SSLSocket n = lb.connect(named)) {
      assertThat(Loopback.roundTrip(a, "a")).isEqualTo("a");
      assertThat(Loopback.roundTrip(n, "n")).isEqualTo("n");
      assertThat(lb.clientSubjects).contains("", "CN=named");
    }
  }

  @Test
  void sni_choosesTheCertificateNamedByTheClient() throws IOException {
    Issued a = ca.server(KeyType.RSA, "a.example", "localhost");
    Issued b = ca.server(KeyType.EC, "b.example");
    Issued w = ca.server(KeyType.RSA, "*.wild.example");
    TlsSettings s = TlsSettings.server("gateway.tls", a.writeChain(dir.resolve("a.crt")),
        a.writeKeyPkcs8(dir.resolve("a.key"))).withCertificates(List.of(
            TlsSettings.CertificateFiles.of("gateway.tls", dir.resolve("a.crt"),
                dir.resolve("a.key")),
            TlsSettings.CertificateFiles.of("gateway.tls.certificates[0]",
                b.writeChain(dir.resolve("b.crt")), b.writeKeyTraditional(dir.resolve("b.key"))),
            TlsSettings.CertificateFiles.of("gateway.tls.certificates[1]",
                w.writeChain(dir.resolve("w.crt")), w.writeKeyPkcs8(dir.resolve("w.key")))));
    try (TlsContext server = TlsContext.open(s); TlsContext client = client();
        Loopback lb = new Loopback(server)) {
      assertThat(served(lb, client, "b.example")).isEqualTo(b.certificate());
      assertThat(served(lb, client, "a.example")).isEqualTo(a.certificate());
      assertThat(served(lb, client, "api.wild.example")).isEqualTo(w.certificate());
      assertThat(served(lb, client, null)).isEqualTo(a.certificate());
      assertThat(server.expiries()).extracting(CertificateExpiry::key).containsExactly(
          "gateway.tls.cert", "gateway.tls.certificates[0].cert",
          "gateway.tls.certificates[1].cert");
    }
  }

  private static X509Certificate served(Loopback lb, TlsContext client, String sni)
      throws IOException {
    try (SSLSocket s = lb.connect(client, "localhost", sni)) {
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void protocols_tls11AndTls10AreRefused() throws Exception {
    Issued i = ca.server();
    try (TlsContext server = TlsContext.open(TlsSettings.server("server.tls",
            i.writeChain(dir.resolve("tls.crt")), i.writeKeyPkcs8(dir.resolve("tls.key"))));
        Loopback lb = new Loopback(server)) {
      assertThat(lb.server.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3",
          "TLSv1.2");
      // openssl offers the old versions when its security level allows them; our side refuses
      assertThat(openssl(lb.port(), "-tls1_2")).isZero();
      assertThat(openssl(lb.port(), "-tls1_1")).isNotZero();
      assertThat(openssl(lb.port(), "-tls1")).isNotZero();
    }
  }

  private int openssl(int port, String version) throws Exception {
    Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port,
        version, "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile",
        ca.writeCertificate(dir.resolve("ca.crt")).toString(), "-verify_return_error")
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    p.getInputStream().readAllBytes();
    return p.exitValue();
  }

  @Test
  void plaintextClient_getsACleanCloseNotAHang() throws Exception {
    Issued i = ca.server();
    try (TlsContext server = TlsContext.open(TlsSettings.server("server.tls",
            i.writeChain(dir.resolve("tls.crt")), i.writeKeyPkcs8(dir.resolve("tls.key"))));
        Loopback lb = new Loopback(server);
        java.net.Socket plain = new java.net.Socket("127.0.0.1", lb.port())) {
      plain.setSoTimeout(10_000);
      plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      // an alert at most, then end of stream: no SocketTimeoutException
      byte[] answer = plain.getInputStream().readAllBytes();
      assertThat(answer.length).isLessThan(64);
      assertThat(lb.clientSubjects).isEmpty();
    }
  }

  @Test
  void expiry_isReportedPerFile() throws IOException {
    Issued i = ca.server();
    try (TlsContext server = TlsContext.open(mutual(i, TlsSettings.ClientAuth.OPTIONAL))) {
      double s = server.secondsUntilExpiry("server.tls.cert");
      assertThat(s).isBetween(4.9 * 86400, 5.0 * 86400);
      assertThat(server.secondsUntilExpiry("server.tls.ca")).isBetween(9.9 * 86400, 10.0 * 86400);
      assertThat(server.secondsUntilExpiry("server.tls.nothing")).isNaN();
    }
  }
}
