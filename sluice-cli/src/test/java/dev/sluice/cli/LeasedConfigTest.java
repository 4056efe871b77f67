package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.TestHttp;
import dev.sluice.testkit.TestHttp.Answer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice serve} with the shipped {@code config/leased.yaml} ({@code engine.type: leased}),
 * as its own JVM on a real redis-server: it starts, decides checks on leases (never degraded),
 * and shows the leases in {@code /readyz}.
 */
class LeasedConfigTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void serve_withTheLeasedConfig_decidesOnLeases_andReportsThemInReadyz() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    String shipped = Files.readString(repo.resolve("config/leased.yaml"));
    assertThat(shipped).contains("  uri: redis://127.0.0.1:6379\n");
    Path cfg = repo.resolve("config/.test-leased-" + ProcessHandle.current().pid() + ".yaml");
    Files.writeString(cfg, shipped
        .replace("  uri: redis://127.0.0.1:6379\n", "  uri: " + RedisServers.shared().uri() + "\n")
        .replace("  sync-interval: 250ms", "  sync-interval: 50ms"));
    try (ServeProcess p = ServeProcess.start(cfg, dir.resolve("state"), "Sluice")) {
      String url = p.address("Sluice");

      // The first check of a client has no lease yet and wakes a round; a later one is admitted.
      JsonNode body = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        Answer res = check(url);
        assertThat(res.status()).as(res.text()).isIn(200, 429);
        body = res.json();
        assertThat(body.path("degraded").asBoolean(false)).isFalse();
        if (res.status() == 200) {
          break;
        }
        Thread.sleep(20);
      }
      assertThat(body.get("allowed").asBoolean()).as(body.toString()).isTrue();
      assertThat(body.get("rule_id").asText()).isEqualTo("api_default");

      // A lease sized to one request may be spent by it: keep a little demand going until a
      // round has granted a lease with permits left (on a loaded machine rounds run late).
      JsonNode sync = null;
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        Answer ready = TestHttp.send(HttpRequest.newBuilder(URI.create(url + "/readyz")),
            TIMEOUT);
        assertThat(ready.status()).as(ready.text()).isEqualTo(200);
        sync = ready.json().get("sync").get(0);
        if (sync.get("leased_permits").asLong() > 0) {
          break;
        }
        check(url);
        Thread.sleep(20);
      }
      assertThat(sync.get("peer").asText()).isEqualTo("redis-standalone");
      assertThat(sync.get("interval_ms").asLong()).isEqualTo(50);
      assertThat(sync.get("leased_permits").asLong()).as(sync.toString()).isPositive();
    } finally {
      Files.deleteIfExists(cfg);
    }
  }

  private static Answer check(String url) {
    return TestHttp.send(HttpRequest.newBuilder(URI.create(url + "/rate-limit/check"))
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"method\":\"GET\",\"path\":\"/api/hello\",\"client_id\":\"c1\"}")), TIMEOUT);
  }
}
