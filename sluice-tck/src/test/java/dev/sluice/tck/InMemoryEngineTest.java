package dev.sluice.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.InMemoryEngine;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What only the in-memory engine has: the client cap, eviction of states back to initial
 * ("Eviction" and "Client cap" in docs/algorithms.md), and keyed hashing of client keys.
 */
class InMemoryEngineTest {
  private static final long SECOND = 1_000_000;
  private static final long T0 = ConformanceFixture.CLOCK_START;

  private final InMemoryEngine engine = InMemoryEngine.builder()
      .timeSource(TimeSource.manual(T0)).build();

  @AfterEach
  void close() {
    engine.close();
  }

  @Test
  void trackedClients_countsOneStatePerClientAndRule() {
    RateLimiter a = engine.limiter(Rule.of("a", Limit.fixedWindow(5, Duration.ofSeconds(1))));
    RateLimiter b = engine.limiter(Rule.of("b", Limit.tokenBucket(5, Duration.ofSeconds(1)),
        Limit.gcra(5, Duration.ofSeconds(1))));
    assertThat(engine.trackedClients()).isZero();
    for (String client : new String[] {"x", "y", "z"}) {
      a.check(client, 1, T0);
      b.check(client, 1, T0);
    }
    a.check("x", 1, T0);
    a.check(7L, 1, T0);
    a.check("7", 1, T0);
    assertThat(engine.trackedClients()).isEqualTo(7);
  }

  @Test
  void maxClientsPerRule_boundsTrackedClientsUnderAFloodOfNewClients() {
    InMemoryEngine capped = InMemoryEngine.builder().timeSource(TimeSource.manual(T0))
        .maxClientsPerRule(100).build();
    try {
      // A state of an hour-long bucket does not return to initial during the flood.
      RateLimiter first = capped.limiter(Rule.of("first", Limit.tokenBucket(10,
          Duration.ofHours(1))));
      RateLimiter second = capped.limiter(Rule.of("second", Limit.slidingWindowLog(10,
          Duration.ofHours(1))));
      for (int i = 0; i < 10_000; i++) {
        assertThat(first.check("client-" + i, 1, T0 + i).remaining()).isEqualTo(9);
        assertThat(first.tryAcquire("client-" + i, 1, T0 + i)).isTrue();
        assertThat(capped.trackedClients()).isLessThanOrEqualTo(100);
      }
      for (long i = 0; i < 10_000; i++) {
        assertThat(second.check(i, 3, T0 + i).remaining()).isEqualTo(7);
      }
      assertThat(capped.trackedClients()).isPositive().isLessThanOrEqualTo(200);
    } finally {
      capped.close();
    }
  }

  @Test
  void builder_rejectsInvalidSettingsNamingThem() {
    assertThatThrownBy(() -> InMemoryEngine.builder().maxClientsPerRule(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> InMemoryEngine.builder().maxClientsPerRule(-5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
    assertThatThrownBy(() -> InMemoryEngine.builder().evictionGrace(Duration.ofSeconds(-2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-2S");
    assertThatThrownBy(() -> InMemoryEngine.builder().timeSource(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
  }

  @Test
  void evictExpired_dropsStatesBackToInitialAndKeepsTheOthers() {
    RateLimiter rl = engine.limiter(Rule.of("r", Limit.fixedWindow(10, Duration.ofSeconds(1))));
    RateLimiter slow = engine.limiter(Rule.of("slow", Limit.tokenBucket(1, Duration.ofHours(1))));
    for (int i = 0; i < 100; i++) {
      rl.check("old-" + i, 1, T0);
    }
    assertThat(slow.check("slow", 1, T0).allowed()).isTrue();
    // Window [T0, T0 + 1s) over: back to initial at T0 + 1s, droppable from T0 + 2s. Enough
    // clients at T0 + 2.5s that every segment of the table has seen that time.
    long late = T0 + 2 * SECOND + SECOND / 2;
    for (int i = 0; i < 2_000; i++) {
      rl.check("late-" + i, 1, late);
      slow.check("late-" + i, 1, late);
    }
    engine.evictExpired();
    assertThat(engine.trackedClients()).isEqualTo(2_000 + 2_000 + 1);
    // The same decisions as without eviction: the dropped clients start afresh, which they would
    // have in the new window anyway; the kept ones still carry their usage.
    assertThat(rl.check("old-1", 1, late + 1)).isEqualTo(
        ConformanceFixture.allowed(10, 9, T0 + 3 * SECOND));
    assertThat(rl.check("late-1", 1, late + 1)).isEqualTo(
        ConformanceFixture.allowed(10, 8, T0 + 3 * SECOND));
    assertThat(slow.check("slow", 1, late + 1).allowed()).isFalse();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.sluice.tck.TckSeeds#seeds")
  void evictExpired_changesNoDecisionForRequestsWithinTheGrace(long seed) {
    new RandomRun(seed).run(engine, 500, engine::evictExpired);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.sluice.tck.TckSeeds#seeds")
  void evictExpired_withAShortGraceStillChangesNoDecisionWithinIt(long seed) {
    // A grace of 1ms makes eviction frequent in the random runs; requests stay within it.
    InMemoryEngine shortGrace = InMemoryEngine.builder().timeSource(TimeSource.manual(T0))
        .evictionGrace(Duration.ofMillis(1)).build();
    try {
      new RandomRun(seed).run(shortGrace, 500, shortGrace::evictExpired, 999);
    } finally {
      shortGrace.close();
    }
  }

  @Test
  void evictExpired_withAShortGraceDropsIdleClients() {
    InMemoryEngine shortGrace = InMemoryEngine.builder().timeSource(TimeSource.manual(T0))
        .evictionGrace(Duration.ofMillis(1)).build();
    try {
      RateLimiter rl = shortGrace.limiter(Rule.of("r", Limit.gcra(10, Duration.ofMillis(10))));
      for (int i = 0; i < 1_000; i++) {
        rl.check("c" + i, 1, T0);
      }
      // Back to initial at T0 + 1ms, droppable from T0 + 2ms.
      for (int i = 0; i < 1_000; i++) {
        rl.check("d" + i, 1, T0 + 2_000);
      }
      shortGrace.evictExpired();
      assertThat(shortGrace.trackedClients()).isEqualTo(1_000);
      assertThat(rl.check("c1", 1, T0 + 2_001)).isEqualTo(
          ConformanceFixture.allowed(10, 0, T0 + 3_001));
    } finally {
      shortGrace.close();
    }
  }

  @Test
  void keys_manyDistinctKeysKeepSeparateState() {
    RateLimiter rl = engine.limiter(Rule.of("r", Limit.fixedWindow(1, Duration.ofHours(1))));
    int n = 50_000;
    for (int i = 0; i < n; i++) {
      assertThat(rl.tryAcquire("user-" + i, 1, T0)).as("user-%d", i).isTrue();
      assertThat(rl.tryAcquire(1_000_000_000L + i, 1, T0)).as("%d", i).isTrue();
    }
    for (int i = 0; i < n; i++) {
      assertThat(rl.tryAcquire("user-" + i, 1, T0)).as("user-%d", i).isFalse();
      assertThat(rl.tryAcquire(1_000_000_000L + i, 1, T0)).as("%d", i).isFalse();
    }
    assertThat(engine.trackedClients()).isEqualTo(2L * n);
  }

  @Test
  void keys_equalStringHashCodesKeepSeparateState() {
    RateLimiter rl = engine.limiter(Rule.of("r", Limit.fixedWindow(1, Duration.ofHours(1))));
    // All four have the same String.hashCode().
    String[] keys = {"AaAa", "AaBB", "BBAa", "BBBB"};
    for (String key : keys) {
      assertThat(key.hashCode()).isEqualTo("AaAa".hashCode());
      assertThat(rl.tryAcquire(key, 1, T0)).as(key).isTrue();
    }
    for (String key : keys) {
      assertThat(rl.tryAcquire(key, 1, T0)).as(key).isFalse();
    }
    StringBuilder sameAsString = new StringBuilder("AaAa");
    assertThat(rl.tryAcquire(sameAsString, 1, T0)).isFalse();
    assertThat(rl.tryAcquire(new StringBuilder("AaAb"), 1, T0)).isTrue();
  }
}
