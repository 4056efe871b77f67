package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.Together;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many threads over two independent engines (two clients, two connections) hammer one key at a
 * frozen timestamp: the exact algorithms admit exactly their capacity, never one more, whatever
 * the interleaving; sync and pipelined async calls mixed.
 */
class ConcurrencyTest {
  static final long T = 1_800_000_000_000_000L;

  static Stream<Rule> rules() {
    return Stream.of(
        Rule.of("fw", Limit.fixedWindow(500, Duration.ofMinutes(1))),
        Rule.of("log", Limit.slidingWindowLog(300, Duration.ofMinutes(1))),
        Rule.of("tb", Limit.tokenBucket(500, Duration.ofMinutes(1))),
        Rule.of("gcra", Limit.gcra(60, Duration.ofMinutes(1)).withBurst(400)),
        Rule.of("swc", Limit.slidingWindowCounter(500, Duration.ofMinutes(1))),
        Rule.of("multi", Limit.fixedWindow(450, Duration.ofMinutes(1)),
            Limit.tokenBucket(1_000, Duration.ofHours(1)).withBurst(420),
            Limit.slidingWindowLog(460, Duration.ofMinutes(10))));
  }

  static long capacity(Rule rule) {
    return rule.limits().stream().mapToLong(Limit::burst).min().orElseThrow();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void twoClientsManyThreads_neverOverAdmit(Rule rule) throws Exception {
    String prefix = "cc" + UUID.randomUUID();
    String uri = RedisServers.shared().uri();
    try (RedisEngine a = RedisEngine.builder(Topology.standalone(uri)).keyPrefix(prefix)
            .commandTimeout(Duration.ofSeconds(10)).defaultPolicy(FailurePolicy.failClosed())
            .build();
        RedisEngine b = RedisEngine.builder(Topology.standalone(uri)).keyPrefix(prefix)
            .commandTimeout(Duration.ofSeconds(10)).defaultPolicy(FailurePolicy.failClosed())
            .denialCache(false).build()) {
      int threads = 8;
      int perThread = 150;
      AtomicLong allowed = new AtomicLong();
      AtomicLong degraded = new AtomicLong();
      Together.run(threads, i -> {
        RedisRateLimiter limiter = (i % 2 == 0 ? a : b).limiter(rule);
        boolean async = i % 4 < 2;
        List<CompletableFuture<dev.sluice.Decision>> pending = new ArrayList<>();
        for (int j = 0; j < perThread; j++) {
          if (async) {
            pending.add(limiter.checkAsync("hot", 1, T).toCompletableFuture());
          } else {
            var d = limiter.check("hot", 1, T);
            allowed.addAndGet(d.allowed() ? 1 : 0);
            degraded.addAndGet(d.degraded() ? 1 : 0);
          }
        }
        for (var f : pending) {
          var d = f.join();
          allowed.addAndGet(d.allowed() ? 1 : 0);
          degraded.addAndGet(d.degraded() ? 1 : 0);
        }
      });
      assertThat(degraded.get()).isZero();
      assertThat(allowed.get()).isEqualTo(capacity(rule));
    }
  }
}
