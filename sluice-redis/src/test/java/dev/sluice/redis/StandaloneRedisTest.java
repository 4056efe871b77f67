package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The equivalence runs on one standalone server, and what only a single server shows. */
class StandaloneRedisTest extends RedisEquivalenceTest {

  @Override
  Topology topology() {
    return Topology.standalone(RedisServers.shared().uri());
  }

  @Override
  int rounds() {
    return 6;
  }

  private static RedisEngine.Builder builder() {
    return RedisEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .keyPrefix("st" + UUID.randomUUID()).commandTimeout(Duration.ofSeconds(5));
  }

  @Test
  void harness_reportsTheBinaryItRuns() {
    System.out.println("redis-server: " + RedisServers.binary() + " -> " + RedisServers.version());
    assertThat(RedisServers.version()).contains("Redis server v=");
  }

  @Test
  void serverTime_isUsedByDefault_andResetTimesAreNearTheServerClock() {
    try (RedisEngine engine = builder().build()) {
      assertThat(engine.usesClientTime()).isFalse();
      RedisRateLimiter limiter = engine.limiter(
          Rule.of("server-time", Limit.fixedWindow(3, Duration.ofHours(1))));
      long before = System.currentTimeMillis() * 1_000;
      Decision d = limiter.check("client");
      assertThat(d.allowed()).isTrue();
      // the window is aligned to the epoch on the server clock: it ends within the hour (an
      // hour, not seconds, so that the two checks below almost never straddle its end)
      assertThat(d.resetAtMicros()).isBetween(before - 20_000_000, before + 3_620_000_000L);
      assertThat(limiter.checkAsync("client", 3).toCompletableFuture().join().allowed())
          .isFalse();
    }
  }

  @Test
  void scriptFlush_fallsBackToEval_andKeepsDeciding() {
    try (RedisEngine engine = builder().timeSource(TimeSource.manual(1_000_000)).build()) {
      RedisRateLimiter limiter = engine.limiter(
          Rule.of("flush", Limit.fixedWindow(2, Duration.ofSeconds(10))));
      assertThat(limiter.check("k").allowed()).isTrue();
      RedisServers.shared().call("SCRIPT", "FLUSH");
      Decision d = limiter.check("k");
      assertThat(d.allowed()).isTrue();
      assertThat(d.degraded()).isFalse();
      assertThat(limiter.check("k").allowed()).isFalse();
      assertThat(engine.stats().failures()).isZero();
    }
  }

  @Test
  void keys_haveTheClientAsHashTag_andExpireOnceIdle() {
    try (RedisEngine engine = builder().serverTime().evictionGrace(Duration.ZERO).build()) {
      Rule rule = Rule.of("ttl", Limit.tokenBucket(5, Duration.ofMillis(200)));
      engine.limiter(rule).check("idle");
      String key = engine.keyOf("idle", rule);
      assertThat(key).contains("{idle}");
      long ttl = (Long) RedisServers.shared().call("PTTL", key);
      // one token refills in 40 ms: the key lives that long, not more (+ rounding)
      assertThat(ttl).isBetween(1L, 60L);
    }
  }

  @Test
  void denialCache_answersRepeatedDenialsWithoutRedis_exactly() {
    Rule rule = Rule.of("dc", Limit.fixedWindow(2, Duration.ofSeconds(10)));
    try (RedisEngine cached = builder().timeSource(TimeSource.manual(0)).build()) {
      RedisRateLimiter limiter = cached.limiter(rule);
      long t = 1_000_000_000L;
      limiter.check("k", 1, t);
      limiter.check("k", 1, t);
      Decision first = limiter.check("k", 1, t + 5);
      long calls = cached.stats().scriptCalls();
      Decision again = limiter.check("k", 1, t + 7);
      assertThat(cached.stats().scriptCalls()).isEqualTo(calls);
      assertThat(cached.stats().denialCacheHits()).isEqualTo(1);
      assertThat(again).isEqualTo(new Decision(false, 2, 0, first.resetAtMicros(),
          first.retryAfterMicros() - 2, 0, false));
      // a larger cost is not answered from the cache (its retryAfter differs)
      limiter.check("k", 2, t + 8);
      assertThat(cached.stats().scriptCalls()).isEqualTo(calls + 1);
      // once the window ends, Redis decides again
      assertThat(limiter.check("k", 1, first.resetAtMicros()).allowed()).isTrue();
    }
  }

  @Test
  void limitsWhoseProductsNear2To61_areDecidedExactly() {
    Rule rule = Rule.of("wide",
        Limit.slidingWindowCounter(10_000_000L, Duration.ofDays(1)),
        Limit.tokenBucket(7, Duration.ofDays(3000)).withBurst(100),
        Limit.gcra(3, Duration.ofNanos((1L << 48) * 1000)).withBurst(8000));
    try (RedisEngine engine = builder().timeSource(TimeSource.manual(0)).build();
        dev.sluice.InMemoryEngine memory = dev.sluice.InMemoryEngine.builder()
            .timeSource(TimeSource.manual(0)).build()) {
      long t = Limit.MAX_TIME - (1L << 50);
      for (int i = 0; i < 400; i++) {
        long cost = 1 + (i % 7) * 3;
        t += (i % 5) * 1_000_003L;
        assertThat(engine.limiter(rule).check("w", cost, t))
            .as("request %d at %d", i, t).isEqualTo(memory.limiter(rule).check("w", cost, t));
      }
    }
  }

  @Test
  void badArguments_areRejectedNamingTheValue() {
    try (RedisEngine engine = builder().build()) {
      RedisRateLimiter l = engine.limiter(Rule.of("args", Limit.fixedWindow(1,
          Duration.ofSeconds(1))));
      assertThatThrownBy(() -> l.check("k", 0, 5)).hasMessageContaining("cost 0");
      assertThatThrownBy(() -> l.check("k", 1, -3)).hasMessageContaining("timestamp -3");
      assertThatThrownBy(() -> l.check(null, 1, 5)).hasMessageContaining("key");
      assertThat(l.checkAsync("k", -2).toCompletableFuture()).isCompletedExceptionally();
      assertThatThrownBy(() -> l.checkAsync("k", 1, -7).toCompletableFuture().join())
          .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("-7");
    }
    assertThatThrownBy(() -> RedisEngine.builder(Topology.standalone("http://x")))
        .hasMessageContaining("http://x");
    assertThatThrownBy(() -> FailurePolicy.local(1.5)).hasMessageContaining("1.5");
    assertThatThrownBy(() -> new BreakerSettings(0, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .hasMessageContaining("failureThreshold 0");
  }

  @Test
  void embeddedRedis62_runsTheScriptsToo() {
    // The harness's fallback binary (no redis-server on PATH): start it explicitly and decide.
    String saved = System.getProperty("sluice.redis.server");
    System.setProperty("sluice.redis.server", "embedded");
    try {
      java.nio.file.Path bin = extractEmbeddedForThisTest();
      assertThat(bin).exists();
    } finally {
      if (saved == null) {
        System.clearProperty("sluice.redis.server");
      } else {
        System.setProperty("sluice.redis.server", saved);
      }
    }
  }

  private static java.nio.file.Path extractEmbeddedForThisTest() {
    return RedisServers.embeddedBinary();
  }

  @Test
  void memoryPerClientPerLimit_isMeasuredWithMemoryUsage() {
    RedisProcess redis = RedisServers.shared();
    try (RedisEngine engine = builder().keyPrefix("sl").timeSource(TimeSource.manual(0)).build()) {
      for (Limit limit : new Limit[] {Limit.fixedWindow(100, Duration.ofMinutes(1)),
          Limit.tokenBucket(100, Duration.ofMinutes(1)), Limit.gcra(100, Duration.ofMinutes(1)),
          Limit.slidingWindowCounter(100, Duration.ofMinutes(1))}) {
        Rule one = Rule.of("m", limit);
        Rule three = Rule.of("m3", limit, limit, limit);
        engine.limiter(one).check("user:12345678", 1, 1_800_000_000_000_000L);
        engine.limiter(three).check("user:12345678", 1, 1_800_000_000_000_000L);
        long single = (Long) redis.call("MEMORY", "USAGE", engine.keyOf("user:12345678", one));
        long triple = (Long) redis.call("MEMORY", "USAGE", engine.keyOf("user:12345678", three));
        System.out.printf("MEMORY USAGE %s: 1 limit %d bytes, 3 limits %d bytes (%d per limit)%n",
            limit.algorithm(), single, triple, triple / 3);
        assertThat(single).isLessThanOrEqualTo(110);
        assertThat(triple / 3).isLessThanOrEqualTo(110);
      }
      // Everything else a key costs (the main and expires hash tables): INFO memory over 20,000
      // clients of a one-limit rule.
      Limit tb = Limit.tokenBucket(100, Duration.ofMinutes(1));
      bulk(redis, engine, Rule.of("bulk", tb));
      bulk(redis, engine, Rule.of("bulk3", tb, Limit.fixedWindow(1000, Duration.ofHours(1)),
          Limit.gcra(10, Duration.ofSeconds(1))));
    }
  }

  private static void bulk(RedisProcess redis, RedisEngine engine, Rule rule) {
    {
      RedisRateLimiter limiter = engine.limiter(rule);
      redis.call("SET", "warmup", "x");
      long before = usedMemory(redis);
      int n = 20_000;
      java.util.List<java.util.concurrent.CompletableFuture<Decision>> all =
          new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        all.add(limiter.checkAsync("user:" + (10_000_000 + i), 1, 1_800_000_000_000_000L)
            .toCompletableFuture());
      }
      all.forEach(java.util.concurrent.CompletableFuture::join);
      long after = usedMemory(redis);
      System.out.printf("INFO memory: %d clients x %d limit(s): %.1f bytes per client, %.1f per "
          + "limit (keys like %s, with TTL)%n", n, rule.limits().size(),
          (after - before) / (double) n, (after - before) / (double) n / rule.limits().size(),
          engine.keyOf("user:10000000", rule));
    }
  }

  private static long usedMemory(RedisProcess redis) {
    String info = (String) redis.call("INFO", "memory");
    return info.lines().filter(l -> l.startsWith("used_memory:"))
        .mapToLong(l -> Long.parseLong(l.substring("used_memory:".length()).trim()))
        .findFirst().orElseThrow();
  }
}
