package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.TestHttp.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hierarchical rule (per user and per organisation) on two service instances sharing one real
 * Redis: the engine's multi-key check makes each request all-or-nothing across both instances, so
 * the organisation's limit is never exceeded under concurrency (before, each instance's local
 * locks let concurrent requests through different instances pass it at the edge).
 */
class HierarchicalAcrossInstancesTest {
  @TempDir
  Path dirA;
  @TempDir
  Path dirB;

  static final String RULES = """
      rules:
        - id: tiered
          limits:
            - {window: 1h, max: 100, scope: user}
            - {window: 1h, max: 20, scope: org}
      """;

  static String config() {
    return """
        engine:
          type: redis
          uri: %s
          key-prefix: hier%d
          command-timeout: 2s
          failure-policy: fail-closed
        rules: {reload-interval: 50ms}
        """.formatted(RedisServers.shared().uri(), System.nanoTime());
  }

  private static String check(String user, String org) {
    return "{\"client_id\":\"" + user + "\",\"rule_id\":\"tiered\",\"user_id\":\"" + user
        + "\",\"org_id\":\"" + org + "\"}";
  }

  @Test
  void concurrentRequestsThroughTwoInstances_neverExceedTheOrgLimit() throws Exception {
    String cfg = config();
    try (TestServer a = TestServer.start(dirA, cfg, RULES);
        TestServer b = TestServer.start(dirB, cfg, RULES)) {
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        assertThat(a.get("/readyz").status()).isEqualTo(200);
        assertThat(b.get("/readyz").status()).isEqualTo(200);
      });
      int threads = 8;
      int each = 10;
      AtomicInteger allowed = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        TestServer via = t % 2 == 0 ? a : b;
        String user = "u" + t;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < each; i++) {
            Answer r = via.check(check(user, "acme"));
            assertThat(r.status()).as(r.text()).isIn(200, 429);
            if (r.json().get("allowed").asBoolean()) {
              allowed.incrementAndGet();
            }
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      assertThat(allowed.get()).as("80 requests of one org through two instances, org limit 20")
          .isEqualTo(20);
      // Denied requests charged no user: a user of acme has 100 minus what it was admitted.
      Answer other = a.check(check("newcomer", "globex"));
      assertThat(other.json().get("allowed").asBoolean()).as(other.text()).isTrue();
      assertThat(a.check(check("u0", "acme")).status()).isEqualTo(429);
    }
  }
}
