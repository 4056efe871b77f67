package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.testkit.TestCa;
import dev.sluice.testkit.TestCa.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input is refused with the configuration key, the file and the reason. */
class TlsSettingsTest {
  static TestCa ca;
  static Issued pair;
  @TempDir Path dir;

  @BeforeAll
  static void makeCa() {
    ca = TestCa.create("sluice-settings-root");
    pair = ca.server();
  }

  private TlsSettings settings(Path cert, Path key, String password) {
    return new TlsSettings("server.tls", TlsSettings.Role.SERVER,
        List.of(new TlsSettings.CertificateFiles("server.tls", cert, key, password)), null,
        TlsSettings.ClientAuth.NONE, TlsSettings.SUPPORTED_PROTOCOLS, false,
        TlsSettings.DEFAULT_RELOAD_INTERVAL);
  }

  private void assertRefused(Runnable open, String key, Path file, String reason) {
    assertThatThrownBy(open::run).isInstanceOfSatisfying(TlsException.class, e -> {
      assertThat(e.key()).isEqualTo(key);
      assertThat(e.file()).isEqualTo(file);
      assertThat(e.getMessage()).startsWith(key + ": " + (file == null ? "" : file + ": "))
          .contains(reason);
    });
  }

  @Test
  void missingCertificateFile_namesKeyFileAndReason() {
    Path key = pair.writeKeyPkcs8(dir.resolve("tls.key"));
    Path cert = dir.resolve("nope.crt");
    assertRefused(() -> settings(cert, key, null), "server.tls.cert", cert, "no such file");
  }

  @Test
  void missingKeyFile_namesKeyFileAndReason() {
    Path cert = pair.writeChain(dir.resolve("tls.crt"));
    Path key = dir.resolve("nope.key");
    assertRefused(() -> settings(cert, key, null), "server.tls.key", key, "no such file");
  }

  @Test
  void directoryInsteadOfFile_isRefused() {
    Path key = pair.writeKeyPkcs8(dir.resolve("tls.key"));
    assertRefused(() -> settings(dir, key, null), "server.tls.cert", dir, "is a directory");
  }

  @Test
  void keyThatDoesNotParse_isRefused() throws Exception {
    Path cert = pair.writeChain(dir.resolve("tls.crt"));
    Path key = Files.writeString(dir.resolve("tls.key"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertRefused(() -> TlsContext.open(settings(cert, key, null)), "server.tls.key", key,
        "does not parse");
  }

  @Test
  void fileWithoutPem_isRefused() throws Exception {
    Path cert = pair.writeChain(dir.resolve("tls.crt"));
    Path key = Files.writeString(dir.resolve("tls.key"), "hello");
    assertRefused(() -> TlsContext.open(settings(cert, key, null)), "server.tls.key", key,
        "not a PEM file");
    assertRefused(() -> TlsContext.open(settings(key, cert, null)), "server.tls.cert", key,
        "not a PEM file");
  }

  @Test
  void certificateFileWithAKeyOnly_isRefused() {
    Path key = pair.writeKeyPkcs8(dir.resolve("tls.key"));
    assertRefused(() -> TlsContext.open(settings(key, key, null)), "server.tls.cert", key,
        "holds no CERTIFICATE");
  }

  @Test
  void encryptedKey_wrongOrMissingPassword_isRefused() {
    Path cert = pair.writeChain(dir.resolve("tls.crt"));
    Path key = pair.writeKeyEncrypted(dir.resolve("tls.key"), "right");
    assertRefused(() -> TlsContext.open(settings(cert, key, "wrong")), "server.tls.key", key,
        "wrong key-password");
    assertRefused(() -> TlsContext.open(settings(cert, key, null)), "server.tls.key", key,
        "encrypted and no key-password");
    TlsContext.open(settings(cert, key, "right")).close();
  }

  @Test
  void keyOfAnotherCertificate_isRefused() {
    Path cert = pair.writeChain(dir.resolve("tls.crt"));
    Path key = ca.server().writeKeyPkcs8(dir.resolve("other.key"));
    assertRefused(() -> TlsContext.open(settings(cert, key, null)), "server.tls.key", key,
        "does not match the certificate in " + cert);
    Path ecKey = ca.server(TestCa.KeyType.EC, "localhost").writeKeyTraditional(
        dir.resolve("ec.key"));
    assertRefused(() -> TlsContext.open(settings(cert, ecKey, null)), "server.tls.key", ecKey,
        "does not match");
  }

  @Test
  void expiredCertificate_isRefused() {
    Issued expired = ca.expiredServer();
    Path cert = expired.writeChain(dir.resolve("tls.crt"));
    Path key = expired.writeKeyPkcs8(dir.resolve("tls.key"));
    assertRefused(() -> TlsContext.open(settings(cert, key, null)), "server.tls.cert", cert,
        "expired at");
  }

  @Test
  void certificateNotYetValid_isRefusedOnTheClockGiven() {
    Path cert = pair.writeChain(dir.resolve("tls.crt"));
    Path key = pair.writeKeyPkcs8(dir.resolve("tls.key"));
    Clock past = Clock.fixed(Instant.parse("2001-01-01T00:00:00Z"), ZoneOffset.UTC);
    assertRefused(() -> TlsContext.open(settings(cert, key, null), past), "server.tls.cert", cert,
        "not valid before");
  }

  @Test
  void chainNotSignedInOrder_isRefused() throws Exception {
    // the leaf followed by a CA that did not sign it: the chain in the file is broken
    Path cert = dir.resolve("tls.crt");
    Files.writeString(cert, Files.readString(pair.writeChain(dir.resolve("leaf.crt")))
        + Files.readString(TestCa.create("stranger").writeCertificate(dir.resolve("s.crt"))));
    Path key = pair.writeKeyPkcs8(dir.resolve("tls.key"));
    assertRefused(() -> TlsContext.open(settings(cert, key, null)), "server.tls.cert", cert,
        "is not signed by certificate 2 (CN=stranger)");
  }

  @Test
  void protocols_obsoleteAndUnknownAreRefused() {
    Path cert = pair.writeChain(dir.resolve("tls.crt"));
    Path key = pair.writeKeyPkcs8(dir.resolve("tls.key"));
    TlsSettings s = TlsSettings.server("server.tls", cert, key);
    assertRefused(() -> s.withProtocols(List.of("TLSv1.3", "TLSv1.1")), "server.tls.protocols",
        null, "'TLSv1.1' is refused (obsolete and insecure)");
    assertRefused(() -> s.withProtocols(List.of("TLSv1")), "server.tls.protocols", null,
        "'TLSv1' is refused");
    assertRefused(() -> s.withProtocols(List.of("TLS1.3")), "server.tls.protocols", null,
        "'TLS1.3' is unknown: use TLSv1.3, TLSv1.2");
    assertRefused(() -> s.withProtocols(List.of()), "server.tls.protocols", null,
        "at least one");
  }

  @Test
  void clientAuthWithoutCa_isRefused() {
    Path cert = pair.writeChain(dir.resolve("tls.crt"));
    Path key = pair.writeKeyPkcs8(dir.resolve("tls.key"));
    assertRefused(() -> TlsSettings.server("rls.tls", cert, key).withClientAuth(null,
        TlsSettings.ClientAuth.REQUIRED), "rls.tls.client-auth", null, "needs rls.tls.ca");
  }

  @Test
  void caFileThatHoldsNoCertificate_isRefused() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.crt"), "not pem");
    assertRefused(() -> TlsContext.open(TlsSettings.client("engine.tls", ca)), "engine.tls.ca",
        ca, "not a PEM file");
  }

  private List<String> read(String yaml, TlsSettings.Role role) throws Exception {
    Path config = dir.resolve("sluice.yaml");
    Files.writeString(config, yaml);
    JsonNode root = ConfigNode.readYaml(config);
    List<String> problems = new ArrayList<>();
    ConfigNode server = ConfigNode.root(root, problems, name -> null).section("server");
    TlsSettings s = TlsSettings.read(server.section("tls"), dir, role);
    if (problems.isEmpty()) {
      assertThat(s).isNotNull();
    }
    return problems;
  }

  @Test
  void read_resolvesRelativePathsAgainstTheConfigurationDirectory() throws Exception {
    pair.writeChain(dir.resolve("certs/tls.crt"));
    pair.writeKeyTraditional(dir.resolve("certs/tls.key"));
    ca.writeCertificate(dir.resolve("certs/ca.crt"));
    Issued b = ca.server(TestCa.KeyType.EC, "b.example");
    b.writeChain(dir.resolve("certs/b.crt"));
    b.writeKeyPkcs8(dir.resolve("certs/b.key"));
    assertThat(read("""
        server:
          tls:
            cert: certs/tls.crt
            key: certs/tls.key
            ca: certs/ca.crt
            client-auth: required
            protocols: [TLSv1.3]
            reload-interval: 5s
            certificates:
              - {cert: certs/b.crt, key: certs/b.key}
        """, TlsSettings.Role.SERVER)).isEmpty();
    Path config = dir.resolve("sluice.yaml");
    List<String> problems = new ArrayList<>();
    TlsSettings s = TlsSettings.read(ConfigNode.root(ConfigNode.readYaml(config), problems,
        name -> null).section("server").section("tls"), dir, TlsSettings.Role.SERVER);
    assertThat(s.certificates()).extracting(TlsSettings.CertificateFiles::cert)
        .containsExactly(dir.resolve("certs/tls.crt"), dir.resolve("certs/b.crt"));
    assertThat(s.certificates().get(1).key()).isEqualTo("server.tls.certificates[0]");
    assertThat(s.ca()).isEqualTo(dir.resolve("certs/ca.crt"));
    assertThat(s.clientAuth()).isEqualTo(TlsSettings.ClientAuth.REQUIRED);
    assertThat(s.protocols()).containsExactly("TLSv1.3");
    assertThat(s.reloadInterval()).hasSeconds(5);
  }

  @Test
  void read_listsEveryProblemWithItsKey() throws Exception {
    pair.writeChain(dir.resolve("tls.crt"));
    assertThat(read("""
        server:
          tls:
            cert: tls.crt
            client-auth: sometimes
            insecure-skip-verify: true
        """, TlsSettings.Role.SERVER)).containsExactlyInAnyOrder(
        "server.tls.key: is required with cert",
        "server.tls.client-auth: 'sometimes' must be one of [none, optional, required]",
        "server.tls.insecure-skip-verify: unknown key");
    assertThat(read("""
        server:
          tls:
            cert: tls.crt
            key: missing.key
        """, TlsSettings.Role.SERVER)).containsExactly(
        "server.tls.key: " + dir.resolve("missing.key") + ": no such file");
  }

  @Test
  void read_checksWhatTheFilesHold() throws Exception {
    pair.writeChain(dir.resolve("tls.crt"));
    ca.server().writeKeyPkcs8(dir.resolve("tls.key"));
    assertThat(read("""
        server:
          tls: {cert: tls.crt, key: tls.key, protocols: [TLSv1.2, SSLv3]}
        """, TlsSettings.Role.SERVER)).containsExactly(
        "server.tls.protocols: 'SSLv3' is refused (obsolete and insecure): use TLSv1.3, TLSv1.2");
    assertThat(read("""
        server:
          tls: {cert: tls.crt, key: tls.key}
        """, TlsSettings.Role.SERVER)).singleElement().asString()
        .startsWith("server.tls.key: " + dir.resolve("tls.key") + ": the key does not match");
  }

  @Test
  void read_linkWithoutCertificateTrustsItsCa() throws Exception {
    ca.writeCertificate(dir.resolve("ca.crt"));
    assertThat(read("""
        server:
          tls: {ca: ca.crt, insecure-skip-verify: false}
        """, TlsSettings.Role.CLIENT)).isEmpty();
    assertThat(read("""
        server:
          tls: {ca: ca.crt, client-auth: required}
        """, TlsSettings.Role.CLIENT)).containsExactly("server.tls.client-auth: unknown key");
  }

  @Test
  void keyPassword_isNotPrinted() {
    Path cert = pair.writeChain(dir.resolve("tls.crt"));
    Path key = pair.writeKeyEncrypted(dir.resolve("tls.key"), "hunter2");
    assertThat(settings(cert, key, "hunter2").toString()).doesNotContain("hunter2");
  }
}
