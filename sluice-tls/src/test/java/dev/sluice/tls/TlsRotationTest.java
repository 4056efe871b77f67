package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.TestCa;
import dev.sluice.testkit.TestCa.Issued;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation of the files under a running listener: renamed over, swapped through Kubernetes'
 * {@code ..data} symlink, written one file at a time, or replaced by something unusable.
 */
class TlsRotationTest {
  static final Duration INTERVAL = Duration.ofMillis(200);
  static TestCa ca;
  @TempDir Path dir;

  @BeforeAll
  static void makeCa() {
    ca = TestCa.create("sluice-rotation-root");
  }

  private TlsContext client() {
    return TlsContext.open(TlsSettings.client("test.tls",
        ca.writeCertificate(dir.resolve("ca.crt"))));
  }

  private TlsContext server(Path cert, Path key) {
    return TlsContext.open(TlsSettings.server("server.tls", cert, key)
        .withReloadInterval(INTERVAL));
  }

  /** Writes a file beside {@code target} and renames it over, as certificate tools do. */
  private static void renameOver(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void renamedOverFiles_serveNewHandshakesWhileOpenConnectionsKeepWorking() throws Exception {
    Issued first = ca.server();
    Path cert = first.writeChain(dir.resolve("tls.crt"));
    Path key = first.writeKeyPkcs8(dir.resolve("tls.key"));
    try (TlsContext server = server(cert, key); TlsContext client = client();
        Loopback lb = new Loopback(server); SSLSocket open = lb.connect(client)) {
      assertThat(lb.servedSerial(client)).isEqualTo(first.certificate().getSerialNumber());
      Issued second = ca.server();
      Path staging = dir.resolve("staging");
      Files.createDirectories(staging);
      renameOver(key, Files.readString(second.writeKeyPkcs8(staging.resolve("k"))));
      renameOver(cert, Files.readString(second.writeChain(staging.resolve("c"))));
      BigInteger want = second.certificate().getSerialNumber();
      await().atMost(Duration.ofSeconds(10)).until(() -> lb.servedSerial(client).equals(want));
      assertThat(Loopback.roundTrip(open, "still here")).isEqualTo("still here");
      assertThat(server.reloadSuccesses()).isEqualTo(1);
      assertThat(server.reloadFailures()).isZero();
    }
  }

  /**
   * The layout the kubelet writes for a Secret volume: {@code tls.crt -> ..data/tls.crt},
   * {@code ..data -> ..<timestamp>}, and an update renames a new {@code ..data} link over the
   * old one, so the path's own inode never changes.
   */
  @Test
  void kubernetesSymlinkSwap_isSeen() throws Exception {
    Issued first = ca.server();
    Path mount = dir.resolve("secret");
    Path v1 = mount.resolve("..2026_12_07_01");
    Files.createDirectories(v1);
    first.writeChain(v1.resolve("tls.crt"));
    first.writeKeyTraditional(v1.resolve("tls.key"));
    Files.createSymbolicLink(mount.resolve("..data"), v1.getFileName());
    Files.createSymbolicLink(mount.resolve("tls.crt"), Path.of("..data/tls.crt"));
    Files.createSymbolicLink(mount.resolve("tls.key"), Path.of("..data/tls.key"));
    try (TlsContext server = server(mount.resolve("tls.crt"), mount.resolve("tls.key"));
        TlsContext client = client(); Loopback lb = new Loopback(server);
        SSLSocket open = lb.connect(client)) {
      assertThat(lb.servedSerial(client)).isEqualTo(first.certificate().getSerialNumber());
      Issued second = ca.server();
      Path v2 = mount.resolve("..2026_12_07_02");
      Files.createDirectories(v2);
      second.writeChain(v2.resolve("tls.crt"));
      second.writeKeyTraditional(v2.resolve("tls.key"));
      Files.createSymbolicLink(mount.resolve("..data_tmp"), v2.getFileName());
      Files.move(mount.resolve("..data_tmp"), mount.resolve("..data"),
          StandardCopyOption.ATOMIC_MOVE);
      BigInteger want = second.certificate().getSerialNumber();
      await().atMost(Duration.ofSeconds(10)).until(() -> lb.servedSerial(client).equals(want));
      assertThat(Loopback.roundTrip(open, "kept")).isEqualTo("kept");
      assertThat(server.reloadSuccesses()).isEqualTo(1);
    }
  }

  @Test
  void halfWrittenPair_isWaitedOutNotUsedNorCounted() throws Exception {
    Issued first = ca.server();
    Path cert = first.writeChain(dir.resolve("tls.crt"));
    Path key = first.writeKeyPkcs8(dir.resolve("tls.key"));
    Issued second = ca.server();
    // a longer interval (grace: five of them) than the other tests: this one must not reach it
    Duration interval = Duration.ofSeconds(1);
    try (TlsContext server = TlsContext.open(TlsSettings.server("server.tls", cert, key)
            .withReloadInterval(interval));
        TlsContext client = client(); Loopback lb = new Loopback(server)) {
      second.writeKeyPkcs8(key);
      // several polls see the new key with the old certificate, within the grace period
      Thread.sleep(interval.multipliedBy(2).toMillis());
      assertThat(lb.servedSerial(client)).isEqualTo(first.certificate().getSerialNumber());
      assertThat(server.reloadFailures()).isZero();
      assertThat(server.reloadSuccesses()).isZero();
      second.writeChain(cert);
      BigInteger want = second.certificate().getSerialNumber();
      await().atMost(Duration.ofSeconds(10)).until(() -> lb.servedSerial(client).equals(want));
      assertThat(server.reloadFailures()).isZero();
      assertThat(server.reloadSuccesses()).isEqualTo(1);
    }
  }

  @Test
  void unusableFiles_areRefusedCountedOnceAndThePreviousPairStays() throws Exception {
    Issued first = ca.server();
    Path cert = first.writeChain(dir.resolve("tls.crt"));
    Path key = first.writeKeyPkcs8(dir.resolve("tls.key"));
    try (TlsContext server = server(cert, key); TlsContext client = client();
        Loopback lb = new Loopback(server)) {
      renameOver(cert, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
          + "-----END CERTIFICATE-----\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> server.reloadFailures() == 1);
      assertThat(server.lastReloadFailure()).contains("server.tls.cert", cert.toString(),
          "does not parse");
      assertThat(lb.servedSerial(client)).isEqualTo(first.certificate().getSerialNumber());
      // the same bad files are not counted again on every poll
      Thread.sleep(server.gracePeriod().multipliedBy(2).toMillis());
      assertThat(server.reloadFailures()).isEqualTo(1);

      // an expired pair is refused the same way
      Issued expired = ca.expiredServer();
      expired.writeKeyPkcs8(key);
      renameOver(cert, Files.readString(expired.writeChain(dir.resolve("expired.crt"))));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.reloadFailures() == 2);
      assertThat(server.lastReloadFailure()).contains("server.tls.cert", "expired");
      assertThat(lb.servedSerial(client)).isEqualTo(first.certificate().getSerialNumber());
      assertThat(server.secondsUntilExpiry("server.tls.cert")).isPositive();

      // and good files after bad ones are taken
      Issued good = ca.server();
      good.writeKeyPkcs8(key);
      good.writeChain(cert);
      BigInteger want = good.certificate().getSerialNumber();
      await().atMost(Duration.ofSeconds(10)).until(() -> lb.servedSerial(client).equals(want));
      assertThat(server.reloadSuccesses()).isEqualTo(1);
    }
  }

  @Test
  void rotatedCa_isTrustedForNewClientCertificates() throws Exception {
    Issued serverPair = ca.server();
    Path caFile = ca.writeCertificate(dir.resolve("clients-ca.crt"));
    TlsSettings s = TlsSettings.server("server.tls", serverPair.writeChain(dir.resolve("t.crt")),
            serverPair.writeKeyPkcs8(dir.resolve("t.key")))
        .withClientAuth(caFile, TlsSettings.ClientAuth.REQUIRED).withReloadInterval(INTERVAL);
    TestCa other = TestCa.create("new-client-ca");
    Issued newClient = other.client("new-client");
    try (TlsContext server = TlsContext.open(s); Loopback lb = new Loopback(server);
        TlsContext client = TlsContext.open(TlsSettings.client("test.tls",
            ca.writeCertificate(dir.resolve("ca.crt"))).withCertificates(java.util.List.of(
                TlsSettings.CertificateFiles.of("test.tls",
                    newClient.writeChain(dir.resolve("c.crt")),
                    newClient.writeKeyPkcs8(dir.resolve("c.key"))))))) {
      renameOver(caFile, Files.readString(ca.writeCertificate(dir.resolve("a.pem")))
          + Files.readString(other.writeCertificate(dir.resolve("b.pem"))));
      await().atMost(Duration.ofSeconds(10)).until(() -> server.reloadSuccesses() == 1);
      try (SSLSocket c = lb.connect(client)) {
        assertThat(Loopback.roundTrip(c, "new ca")).isEqualTo("new ca");
      }
    }
  }
}
