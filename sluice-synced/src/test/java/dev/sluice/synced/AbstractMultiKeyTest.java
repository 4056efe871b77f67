package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.InMemoryEngine;
import dev.sluice.KeyedCheck;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Multi-key checks on an engine that decides in this process (the conformance suite checks the
 * decisions themselves): threads checking users of one org together reach the org's limit and
 * never pass it, and a limiter of another engine is refused by name.
 */
abstract class AbstractMultiKeyTest {
  private static final long ORG_PERMITS = 37;

  /** An engine on the system clock with its own rounds, fast enough to reach a limit soon. */
  abstract RateLimiterEngine liveEngine();

  @Test
  void threadsOnOneOrg_reachTheOrgLimitAndNeverPassIt() throws Exception {
    try (RateLimiterEngine engine = liveEngine()) {
      RateLimiter user = engine.limiter(Rule.of("h@user",
          Limit.fixedWindow(1000, Duration.ofHours(1))));
      RateLimiter org = engine.limiter(Rule.of("h@org",
          Limit.fixedWindow(ORG_PERMITS, Duration.ofHours(1))));
      int threads = 8;
      AtomicInteger admitted = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      long deadline = System.nanoTime() + 10_000_000_000L;
      for (int t = 0; t < threads; t++) {
        String u = "u" + t;
        done.add(pool.submit(() -> {
          go.await();
          // Until the org is used up (an engine with leases needs rounds for it), then 50 more
          // each, which must all be denied.
          int after = 50;
          while (after > 0 && System.nanoTime() < deadline) {
            if (admitted.get() >= ORG_PERMITS) {
              after--;
            }
            if (engine.checkAllAsync(List.of(KeyedCheck.of(user, u, 1),
                KeyedCheck.of(org, "acme", 1))).toCompletableFuture().join().allowed()) {
              admitted.incrementAndGet();
            }
            Thread.sleep(1);
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      assertThat(admitted.get()).isEqualTo(ORG_PERMITS);
    }
  }

  @Test
  void aLimiterOfAnotherEngine_isRefusedByName() {
    try (RateLimiterEngine engine = liveEngine(); InMemoryEngine other = InMemoryEngine.create()) {
      Rule rule = Rule.of("f@user", Limit.fixedWindow(3, Duration.ofMinutes(1)));
      engine.limiter(rule);
      RateLimiter foreign = other.limiter(rule);
      assertThatThrownBy(() -> engine.checkAll(List.of(KeyedCheck.of(foreign, "x", 1)), 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another engine");
    }
  }
}
