package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Several instances start at once and all hammer one key before any of them has synced: the
 * shares must stop them from each admitting a full limit (which would admit N times the limit).
 */
class HotKeyStartupTest {
  private static final int INSTANCES = 6;
  private static final long PERMITS = 600;

  @Test
  void instancesStartingAtOnce_admitAboutTheLimitTogether_notOncePerInstance() throws Exception {
    Rule rule = Rule.of("hot", Limit.fixedWindow(PERMITS, Duration.ofMinutes(1)));
    String prefix = "hot:" + UUID.randomUUID() + ":";
    TimeSource clock = TimeSource.system();
    List<SyncedEngine> engines = new ArrayList<>();
    ConcurrentHashMap<Long, AtomicLong> admittedPerWindow = new ConcurrentHashMap<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    try {
      for (int i = 0; i < INSTANCES; i++) {
        SyncedEngine e = SyncedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
            .keyPrefix(prefix).expectedInstances(INSTANCES)
            .syncInterval(Duration.ofMillis(50)).commandTimeout(Duration.ofSeconds(2)).build();
        engines.add(e);
        RateLimiter l = e.limiter(rule);
        Thread t = new Thread(() -> {
          try {
            go.await();
          } catch (InterruptedException ex) {
            return;
          }
          long end = System.nanoTime() + 1_500_000_000L;
          while (System.nanoTime() < end) {
            long now = clock.nowMicros();
            if (l.tryAcquire("the-hot-key", 1, now)) {
              admittedPerWindow.computeIfAbsent(now - now % 60_000_000, w -> new AtomicLong())
                  .incrementAndGet();
            }
          }
        });
        t.start();
        threads.add(t);
      }
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      long shareDenials = engines.stream().mapToLong(e -> e.stats().shareDenials()).sum();
      System.out.println("HotKeyStartupTest: admitted per window " + admittedPerWindow
          + ", share denials " + shareDenials);
      for (AtomicLong a : admittedPerWindow.values()) {
        assertThat(a.get()).isLessThanOrEqualTo(SyncedBoundsTest.bound(PERMITS,
            INSTANCES) + PERMITS);
      }
      assertThat(shareDenials).isPositive();
    } finally {
      engines.forEach(SyncedEngine::close);
    }
  }
}
