package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.Postgres;
import dev.sluice.testkit.TestHttp.Answer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances sharing one real PostgreSQL (embedded binaries, started on a free port)
 * agree on rules; conditional writes through different instances never both win; an outage
 * keeps the last good rules.
 */
class PostgresStoreTest {
  @TempDir
  static Path dirA;
  @TempDir
  static Path dirB;
  static String jdbcUrl;

  @BeforeAll
  static void createDatabase() {
    jdbcUrl = Postgres.freshDatabase();
  }

  /** The {@code rules} section of a store in the database at {@code url}, polled every 100 ms. */
  static String config(String url) {
    return """
        rules:
          store: postgres
          postgres:
            url: %s
            user: postgres
            password: postgres
            poll-interval: 100ms
        """.formatted(url);
  }

  @Test
  void twoInstances_agreeOnRules_andOnVersions() throws Exception {
    try (TestServer a = TestServer.start(dirA, config(jdbcUrl), "");
        TestServer b = TestServer.start(dirB, config(jdbcUrl), "")) {
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(a.get("/readyz").status()).isEqualTo(200);
        assertThat(b.get("/readyz").status()).isEqualTo(200);
      });
      String etag = a.get("/rate-limits/rules").header("ETag");
      assertThat(b.get("/rate-limits/rules").header("ETag")).isEqualTo(etag);

      Answer put = a.put("/rate-limits/rules", """
          {"rules": [
            {"id": "shared", "priority": 2, "match": {"path": "/s/**", "method": ["GET", "PUT"],
             "headers": {"x-t": "1"}},
             "limits": [{"window": "1h", "max": 3, "algorithm": "token-bucket", "burst": 4},
                        {"window": "250ms", "max": 9, "algorithm": "gcra", "scope": "global"}]},
            {"id": "other", "shadow": true, "limits": [{"window": "1d", "max": 1}]}]}""",
          "If-Match", etag);
      assertThat(put.status()).as(put.text()).isEqualTo(200);
      String v2 = put.header("ETag");

      // In force on the other instance within the poll interval (bounded; generous wait here).
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(b.get("/rate-limits/rules").header("ETag")).isEqualTo(v2));
      assertThat(b.get("/rate-limits/rules").json())
          .isEqualTo(a.get("/rate-limits/rules").json());
      assertThat(b.check("{\"method\":\"PUT\",\"path\":\"/s/1\",\"headers\":{\"X-T\":\"1\"}}")
          .json().get("rule_id").asText()).isEqualTo("shared");

      // Both instances saw v2; a write through each conditioned on it: exactly one wins.
      String next = "{\"rules\":[{\"id\":\"%s\",\"limits\":[{\"window\":\"1s\",\"max\":1}]}]}";
      int sa = a.put("/rate-limits/rules", next.formatted("from_a"), "If-Match", v2).status();
      int sb = b.put("/rate-limits/rules", next.formatted("from_b"), "If-Match", v2).status();
      assertThat(sa).isEqualTo(200);
      assertThat(sb).isEqualTo(412);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(b.get("/rate-limits/rules/from_a").status()).isEqualTo(200));
    }
  }

  @Test
  void invalidRowsInTheDatabase_keepTheLastGoodRules() throws Exception {
    try (TestServer a = TestServer.start(dirA, config(jdbcUrl), "")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> a.get("/readyz").status() == 200);
      assertThat(a.put("/rate-limits/rules", "{\"rules\":[{\"id\":\"good\",\"limits\":"
          + "[{\"window\":\"1h\",\"max\":5}]}]}").status()).isEqualTo(200);
      String etag = a.get("/rate-limits/rules").header("ETag");
      double failures = a.metric("sluice_rules_reload_failures_total", "reason=\"invalid\"");
      try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
          Statement st = c.createStatement()) {
        st.executeUpdate("UPDATE rate_limit_configs SET algorithm = 'quantum'");
        st.executeUpdate("UPDATE rate_limit_ruleset SET version = version + 1");
      }
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(a.metric("sluice_rules_reload_failures_total", "reason=\"invalid\""))
              .isGreaterThan(failures));
      assertThat(a.get("/rate-limits/rules").header("ETag")).isEqualTo(etag);
      assertThat(a.check("{\"client_id\":\"c\",\"rule_id\":\"good\"}").status())
          .isEqualTo(200);
    }
  }

  @Test
  void databaseOutage_keepsTheLastGoodRules_andReadinessSaysSo(@TempDir Path dir)
      throws Exception {
    EmbeddedPostgres own = Postgres.startPrivate();
    try (TestServer a = TestServer.start(dir, config(Postgres.jdbcUrl(own.getPort(), "postgres")), "")) {
      await().atMost(Duration.ofSeconds(60)).until(() -> a.get("/readyz").status() == 200);
      assertThat(a.put("/rate-limits/rules", "{\"rules\":[{\"id\":\"kept\",\"limits\":"
          + "[{\"window\":\"1h\",\"max\":2}]}]}").status()).isEqualTo(200);
      own.close();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        Answer ready = a.get("/readyz");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("rule_store").asText()).isEqualTo("down");
      });
      assertThat(a.check("{\"client_id\":\"c\",\"rule_id\":\"kept\"}").status())
          .isEqualTo(200);
      assertThat(a.check("{\"client_id\":\"c\",\"rule_id\":\"kept\"}").status())
          .isEqualTo(200);
      assertThat(a.check("{\"client_id\":\"c\",\"rule_id\":\"kept\"}").status())
          .isEqualTo(429);
      Answer write = a.put("/rate-limits/rules", "{\"rules\":[]}");
      assertThat(write.status()).isEqualTo(503);
      assertThat(write.json().get("type").asText()).endsWith("store-unavailable");
      assertThat(a.get("/rate-limits/rules/kept").status()).isEqualTo(200);
    } finally {
      own.close();
    }
  }
}
