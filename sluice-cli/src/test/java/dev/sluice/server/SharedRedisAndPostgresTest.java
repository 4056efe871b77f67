package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.Postgres;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.TestHttp.Answer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server instances sharing one real PostgreSQL (rules) and one real Redis (limits): a rule
 * written through one is in force on the other, and together they admit exactly the limit. When
 * Redis is killed, both keep answering (degraded, by the local policy) and report not ready; when
 * it returns, they are ready and enforce the shared limit again.
 */
class SharedRedisAndPostgresTest {
  @TempDir
  static Path dirA;
  @TempDir
  static Path dirB;
  static String jdbcUrl;
  static RedisProcess redis;

  @BeforeAll
  static void startBackends() throws Exception {
    jdbcUrl = Postgres.freshDatabase();
    redis = RedisServers.standalone();
  }

  @AfterAll
  static void stopBackends() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  static String config() {
    return """
        engine:
          type: redis
          uri: %s
          command-timeout: 200ms
          failure-policy: local
        """.formatted(redis.uri()) + PostgresStoreTest.config(jdbcUrl);
  }

  private static String check(String client) {
    return "{\"client_id\":\"" + client + "\",\"rule_id\":\"shared\"}";
  }

  @Test
  void twoInstances_shareRulesAndLimits_andSurviveARedisKill() {
    try (TestServer a = TestServer.start(dirA, config(), "");
        TestServer b = TestServer.start(dirB, config(), "")) {
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(a.get("/readyz").status()).isEqualTo(200);
        assertThat(b.get("/readyz").status()).isEqualTo(200);
      });
      Answer put = a.put("/rate-limits/rules", """
          {"rules": [{"id": "shared", "limits": [{"window": "1h", "max": 5}]}]}""");
      assertThat(put.status()).as(put.text()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(b.check(check("probe")).status()).isEqualTo(200));

      int allowed = 0;
      for (int i = 0; i < 12; i++) {
        Answer r = (i % 2 == 0 ? a : b).check(check("alice"));
        assertThat(r.status()).as(r.text()).isIn(200, 429);
        if (r.json().get("allowed").asBoolean()) {
          allowed++;
          assertThat(r.json().has("degraded")).isFalse();
        }
      }
      assertThat(allowed).as("two instances, one shared limit of 5").isEqualTo(5);

      redis.kill();
      for (int i = 0; i < 6; i++) {
        Answer r = (i % 2 == 0 ? a : b).check(check("bob"));
        assertThat(r.status()).as(r.text()).isIn(200, 429);
        assertThat(r.json().get("degraded").asBoolean()).as(r.text()).isTrue();
      }
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(a.get("/readyz").status()).isEqualTo(503));

      redis.restart();
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(a.get("/readyz").status()).isEqualTo(200);
        assertThat(b.get("/readyz").status()).isEqualTo(200);
      });
      int afterRecovery = 0;
      for (int i = 0; i < 12; i++) {
        Answer r = (i % 2 == 0 ? a : b).check(check("carol"));
        if (r.status() == 200 && r.json().get("allowed").asBoolean()) {
          assertThat(r.json().has("degraded")).as(r.text()).isFalse();
          afterRecovery++;
        }
      }
      assertThat(afterRecovery).as("the shared limit holds again after recovery").isEqualTo(5);
    }
  }
}
