package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.InMemoryEngine;
import dev.sluice.KeyedCheck;
import dev.sluice.Limit;
import dev.sluice.MultiDecision;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Multi-key checks on the synced engine: all or nothing on this instance's view, with the same
 * answers as the in-memory engine for one instance, and never past the org limit under threads.
 */
class SyncedMultiKeyTest {
  static SyncedEngine engine(TimeSource time) {
    return SyncedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .timeSource(time).keyPrefix("mk" + UUID.randomUUID()).autoSync(false).build();
  }

  static final Rule USER = Rule.of("tiered@user", Limit.fixedWindow(3, Duration.ofMinutes(1)));
  static final Rule ORG = Rule.of("tiered@org",
      Limit.slidingWindowCounter(5, Duration.ofMinutes(1)));

  @Test
  void allOrNothing_matchesTheInMemoryEngine_partForPart() {
    long t0 = 1_700_000_000_000_000L;
    try (SyncedEngine synced = engine(TimeSource.manual(t0));
        InMemoryEngine memory = InMemoryEngine.builder().timeSource(TimeSource.manual(t0))
            .build()) {
      RateLimiter su = synced.limiter(USER);
      RateLimiter so = synced.limiter(ORG);
      RateLimiter mu = memory.limiter(USER);
      RateLimiter mo = memory.limiter(ORG);
      String[] users = {"alice", "alice", "bob", "alice", "bob", "carol", "carol", "bob"};
      for (int i = 0; i < users.length; i++) {
        long t = t0 + i * 1_000_000L;
        MultiDecision s = synced.checkAll(List.of(KeyedCheck.of(su, users[i], 1),
            KeyedCheck.of(so, "acme", 1)), t);
        MultiDecision m = memory.checkAll(List.of(KeyedCheck.of(mu, users[i], 1),
            KeyedCheck.of(mo, "acme", 1)), t);
        assertThat(s).as("request %d (%s)", i, users[i]).isEqualTo(m);
      }
      // alice was admitted 3 times; her 4th was denied by her own limit and charged no org.
      assertThat(so.check("acme", 1, t0 + 9_000_000L).remaining()).isEqualTo(
          mo.check("acme", 1, t0 + 9_000_000L).remaining());
      assertThatThrownBy(() -> synced.checkAll(List.of(KeyedCheck.of(mu, "x", 1)), t0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another engine");
    }
  }

  @Test
  void threadsOnOneOrg_neverPassTheOrgLimit() throws Exception {
    try (SyncedEngine synced = engine(TimeSource.system())) {
      RateLimiter user = synced.limiter(Rule.of("h@user",
          Limit.fixedWindow(1000, Duration.ofHours(1))));
      RateLimiter org = synced.limiter(Rule.of("h@org",
          Limit.fixedWindow(37, Duration.ofHours(1))));
      int threads = 8;
      AtomicInteger admitted = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String u = "u" + t;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < 50; i++) {
            if (synced.checkAllAsync(List.of(KeyedCheck.of(user, u, 1),
                KeyedCheck.of(org, "acme", 1))).toCompletableFuture().join().allowed()) {
              admitted.incrementAndGet();
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
      assertThat(admitted.get()).isEqualTo(37);
    }
  }
}
