package dev.sluice.rules.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.rules.RuleSet;
import dev.sluice.testkit.Postgres;
import dev.sluice.testkit.TestCa;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store over TLS: a real PostgreSQL with {@code ssl=on} and a certificate of a test CA,
 * reached through the JDBC URL's {@code sslmode=verify-full} (certificate and host name checked
 * against {@code sslrootcert}).
 */
class PostgresRuleStoreTlsTest {
  @TempDir static Path dir;
  static TestCa ca;
  static EmbeddedPostgres pg;

  @BeforeAll
  static void startServer() {
    ca = TestCa.create("sluice-postgres-root");
    TestCa.Issued server = ca.server();
    ca.writeCertificate(dir.resolve("root.crt"));
    pg = Postgres.startPrivateWithSsl(server.writeChain(dir.resolve("server.crt")),
        server.writeKeyTraditional(dir.resolve("server.key")));
  }

  @AfterAll
  static void stopServer() throws Exception {
    pg.close();
  }

  private static String url(Path rootCert) {
    return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres?sslmode=verify-full"
        + "&sslrootcert=" + rootCert;
  }

  private static PostgresRuleStore store(String url) {
    return new PostgresRuleStore(new PostgresRuleStore.Settings(url, "postgres", "postgres",
        Duration.ofMillis(100), 2), 1000);
  }

  @Test
  void verifyFull_connectsOverTlsAndReadsTheRules() throws Exception {
    String url = url(dir.resolve("root.crt"));
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBoolean("ssl")).isTrue();
      assertThat(rs.getString("version")).isIn("TLSv1.3", "TLSv1.2");
    }
    List<RuleSet> seen = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    try (PostgresRuleStore store = store(url)) {
      store.start(seen::add, (reason, message) -> failures.add(message));
      await().atMost(Duration.ofSeconds(30)).until(store::reachable);
      assertThat(seen).isNotEmpty();
      assertThat(failures).isEmpty();
    }
  }

  @Test
  void verifyFull_refusesAServerItsRootCertDoesNotSign() {
    Path other = TestCa.create("not-the-postgres-root").writeCertificate(dir.resolve(
        "other.crt"));
    List<String> failures = new CopyOnWriteArrayList<>();
    try (PostgresRuleStore store = store(url(other))) {
      store.start(s -> { }, (reason, message) -> failures.add(reason + ": " + message));
      await().atMost(Duration.ofSeconds(30)).until(() -> !failures.isEmpty());
      assertThat(store.reachable()).isFalse();
      assertThat(failures.get(0)).startsWith("unavailable: ")
          .contains("PKIX path building failed");
    }
  }
}
