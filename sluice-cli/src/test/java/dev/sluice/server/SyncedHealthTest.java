package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.CuttableProxy;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.TestHttp.Answer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service on {@code engine.type: synced} over a real Redis reached through a cuttable link:
 * {@code /readyz} details and the {@code sluice_sync_*} gauges show how old the synced view is;
 * with the link cut the view ages and stops being current while checks go on being decided (not
 * degraded), and it is current again once the link is back.
 */
class SyncedHealthTest {
  @TempDir
  Path dir;

  static final String RULES = """
      rules:
        - id: api
          limits:
            - {window: 1m, max: 1000, scope: client}
      """;

  @Test
  void readyzAndMetrics_showTheSyncedViewsAge_andACutLinkMakesItStaleButNotUnready() {
    try (CuttableProxy link = CuttableProxy.to(RedisServers.shared().port())) {
      String cfg = """
          engine:
            type: synced
            uri: redis://127.0.0.1:%d
            key-prefix: synchealth%d
            sync-interval: 50ms
            command-timeout: 200ms
          rules: {reload-interval: 50ms}
          """.formatted(link.port(), System.nanoTime());
      try (TestServer s = TestServer.start(dir, cfg, RULES)) {
        String check = "{\"client_id\":\"c1\",\"rule_id\":\"api\"}";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          assertThat(s.check(check).status()).isEqualTo(200);
          JsonNode sync = s.get("/readyz").json().get("sync").get(0);
          assertThat(sync.get("current").asBoolean()).as(sync.toString()).isTrue();
          assertThat(sync.get("interval_ms").asLong()).isEqualTo(50);
          assertThat(sync.get("last_sync_age_ms").asLong()).isBetween(0L, 100L);
        });
        assertThat(s.metric("sluice_sync_last_success_age_seconds", "peer=\"redis-standalone\""))
            .isBetween(0.0, 0.1);
        assertThat(s.metric("sluice_sync_consecutive_failures")).isZero();

        link.cut();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          Answer ready = s.get("/readyz");
          JsonNode sync = ready.json().get("sync").get(0);
          assertThat(sync.get("current").asBoolean()).as(ready.text()).isFalse();
          assertThat(sync.get("consecutive_failures").asInt()).isPositive();
          assertThat(sync.get("lag_ms").asLong()).isPositive();
        });
        // Still deciding on the last view plus its own share, and not degraded.
        Answer r = s.check(check);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("allowed").asBoolean()).isTrue();
        assertThat(s.metric("sluice_decisions_total", "outcome=\"degraded\"")).isZero();
        assertThat(s.metric("sluice_sync_consecutive_failures")).isPositive();
        assertThat(s.metric("sluice_sync_lag_seconds")).isPositive();

        link.restore();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          JsonNode sync = s.get("/readyz").json().get("sync").get(0);
          assertThat(sync.get("current").asBoolean()).as(sync.toString()).isTrue();
        });
      }
    }
  }
}
