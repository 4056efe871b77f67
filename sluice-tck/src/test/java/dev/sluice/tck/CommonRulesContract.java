package dev.sluice.tck;

import static dev.sluice.Decision.NEVER;
import static dev.sluice.tck.ConformanceFixture.allowed;
import static dev.sluice.tck.ConformanceFixture.micros;
import static dev.sluice.tck.ConformanceFixture.nPerT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rules every algorithm follows ("Rules common to every algorithm" in docs/algorithms.md) and
 * the API's promises: validation, keys, rule identity, the time source.
 */
public interface CommonRulesContract extends ConformanceFixture {

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void check_limitOfZeroDeniesEverythingForever(Algorithm algorithm) {
    RateLimiter rl = limiter(Limit.of(algorithm, 0, Duration.ofSeconds(1)));
    Decision never = new Decision(false, 0, 0, NEVER, NEVER, 0, false);
    assertThat(rl.check("a", 1, 10)).isEqualTo(never);
    assertThat(rl.check("a", 1, 10 + 3_600_000_000L * 24 * 365)).isEqualTo(never);
    assertThat(rl.check("b", 5, 0)).isEqualTo(never);
    assertThat(rl.tryAcquire("a", 1, 20)).isFalse();
    assertThat(rl.check("a", 1, 30).neverAllowed()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void check_costAboveTheLimitIsNeverAllowedAndConsumesNothing(Algorithm algorithm) {
    RateLimiter rl = limiter(nPerT(algorithm, 5, Duration.ofSeconds(1)));
    long t = CLOCK_START;
    Decision impossible = rl.check("a", 6, t);
    assertThat(impossible.allowed()).isFalse();
    assertThat(impossible.retryAfterMicros()).isEqualTo(NEVER);
    assertThat(impossible.remaining()).isEqualTo(5);
    assertThat(impossible.limit()).isEqualTo(5);
    assertThat(rl.check("a", Long.MAX_VALUE, t).retryAfterMicros()).isEqualTo(NEVER);
    assertThat(rl.check("a", 5, t).allowed()).isTrue();
    assertThat(rl.check("a", 6, t).retryAfterMicros()).isEqualTo(NEVER);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void check_deniesWithAPositiveRetryAfterThatIsExact(Algorithm algorithm) {
    RateLimiter rl = limiter(nPerT(algorithm, 4, micros(1000)));
    long t = 1_000_000;
    for (int i = 0; i < 4; i++) {
      assertThat(rl.check("a", 1, t).allowed()).isTrue();
    }
    Decision denied = rl.check("a", 1, t);
    assertThat(denied.allowed()).isFalse();
    assertThat(denied.remaining()).isZero();
    long retryAfter = denied.retryAfterMicros();
    assertThat(retryAfter).isPositive();
    // One microsecond early is still too early; at retryAfter it passes. Separate clients keep
    // the probes from consuming each other's state.
    RateLimiter twin = engine().limiter(Rule.of("twin", rl.rule().limits().get(0)));
    for (int i = 0; i < 4; i++) {
      twin.check("b", 1, t);
      twin.check("c", 1, t);
    }
    assertThat(twin.check("b", 1, t + retryAfter - 1).allowed()).isFalse();
    assertThat(twin.check("c", 1, t + retryAfter).allowed()).isTrue();
  }

  @Requires(exact = false, callerClock = false)
  @Test
  default void limit_rejectsInvalidValuesNamingThem() {
    assertThatThrownBy(() -> Limit.fixedWindow(-1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    assertThatThrownBy(() -> Limit.tokenBucket(-7, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-7");
    assertThatThrownBy(() -> Limit.slidingWindowLog(5, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> Limit.gcra(5, Duration.ofSeconds(-3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-3S");
    assertThatThrownBy(() -> Limit.gcra(5, Duration.ofSeconds(1)).withBurst(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
  }

  @Requires(exact = false, callerClock = false)
  @Test
  default void limit_rejectsLimitsWhoseExactArithmeticWouldExceed2To61() {
    // N * W = 4717692876076873 * 2521 ~ 1.19e19, between 2^63 and 2^64.
    assertThatThrownBy(() -> Limit.slidingWindowCounter(4_717_692_876_076_873L, micros(2_521)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4717692876076873");
    // B * w = (2^53 - 1) * 1500 ~ 1.35e19, between 2^63 and 2^64.
    assertThatThrownBy(() -> Limit.tokenBucket(1, micros(1_500)).withBurst(Limit.MAX_PERMITS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(Limit.MAX_PERMITS));
    assertThatThrownBy(() -> Limit.gcra(1, micros(1_500)).withBurst(Limit.MAX_PERMITS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(Limit.MAX_PERMITS));
  }

  @Requires(exact = false, callerClock = false)
  @Test
  default void limit_acceptsProductsJustBelow2To61AndRejectsThemAtIt() {
    assertThat(Limit.slidingWindowCounter(1L << 30, micros((1L << 31) - 1)).permits())
        .isEqualTo(1L << 30);
    assertThatThrownBy(() -> Limit.slidingWindowCounter(1L << 30, micros(1L << 31)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(
            String.valueOf(1L << 30));
    assertThat(Limit.tokenBucket(1, Limit.MAX_WINDOW).withBurst(8_191).burst()).isEqualTo(8_191);
    assertThatThrownBy(() -> Limit.gcra(1, Limit.MAX_WINDOW).withBurst(8_192))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8192");
  }

  @Requires(algorithms = Algorithm.FIXED_WINDOW, exact = false, callerClock = false)
  @Test
  default void check_rejectsCostBelowOneNamingIt() {
    RateLimiter rl = limiter(Limit.fixedWindow(5, Duration.ofSeconds(1)));
    assertThatThrownBy(() -> rl.check("a", 0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cost 0");
    assertThatThrownBy(() -> rl.check("a", -3, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-3");
    assertThatThrownBy(() -> rl.check(7L, 0, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cost 0");
    assertThatThrownBy(() -> rl.tryAcquire("a", -4, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-4");
    assertThatThrownBy(() -> rl.tryAcquire(7L, Long.MIN_VALUE, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(Long.MIN_VALUE));
    if (exactAtCallerTimes()) {
      assertThat(rl.check("a", 1, 10)).isEqualTo(allowed(5, 4, 1_000_000));
    }
  }

  @Requires(algorithms = Algorithm.SLIDING_WINDOW_LOG, exact = false, callerClock = false)
  @Test
  default void check_rejectsTimestampsOutsideTheRangeNamingThem() {
    RateLimiter rl = limiter(Limit.slidingWindowLog(5, Duration.ofSeconds(1)));
    assertThatThrownBy(() -> rl.check("a", 1, -5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
    assertThatThrownBy(() -> rl.check(3L, 1, -6))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-6");
    assertThatThrownBy(() -> rl.tryAcquire("a", 1, Long.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(Long.MIN_VALUE));
    assertThatThrownBy(() -> rl.tryAcquire(3L, 1, Limit.MAX_TIME + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(Limit.MAX_TIME + 1));
    if (exactAtCallerTimes()) {
      assertThat(rl.check("a", 1, Limit.MAX_TIME).allowed()).isTrue();
      assertThat(rl.check("b", 1, 0)).isEqualTo(allowed(5, 4, 1_000_000));
    }
  }

  @Requires(exact = false, callerClock = false)
  @Test
  default void check_rejectsANullKey() {
    RateLimiter rl = limiter(Limit.of(supported(Algorithm.TOKEN_BUCKET), 5,
        Duration.ofSeconds(1)));
    assertThatThrownBy(() -> rl.check((CharSequence) null, 1, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    assertThatThrownBy(() -> rl.tryAcquire((CharSequence) null, 1, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    assertThatThrownBy(() -> engine().limiter(null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
  }

  @Requires(algorithms = Algorithm.FIXED_WINDOW)
  @Test
  default void check_longKeyNamesTheSameClientAsItsDecimalString() {
    RateLimiter rl = limiter(Limit.fixedWindow(3, Duration.ofSeconds(1)));
    long t = CLOCK_START;
    assertThat(rl.check(42L, 1, t).remaining()).isEqualTo(2);
    assertThat(rl.check("42", 1, t).remaining()).isEqualTo(1);
    assertThat(rl.tryAcquire(42L, 1, t)).isTrue();
    assertThat(rl.tryAcquire("42", 1, t)).isFalse();
    for (long key : new long[] {-7, 0, Long.MIN_VALUE, Long.MAX_VALUE}) {
      assertThat(rl.check(key, 2, t).remaining()).isEqualTo(1);
      assertThat(rl.check(String.valueOf(key), 1, t).remaining()).isZero();
      assertThat(rl.check(key, 1, t).allowed()).isFalse();
    }
    assertThat(rl.check("042", 1, t).remaining()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void tryAcquire_agreesWithCheck(Algorithm algorithm) {
    Limit limit = nPerT(algorithm, 3, micros(50));
    RateLimiter checked = engine().limiter(Rule.of("checked", limit));
    RateLimiter acquired = engine().limiter(Rule.of("acquired", limit));
    long t = 1_000;
    for (int i = 0; i < 200; i++) {
      t += (i * 7919) % 23;
      long cost = 1 + (i % 5 == 0 ? 1 : 0);
      assertThat(acquired.tryAcquire("k", cost, t))
          .as("request %d at %d", i, t).isEqualTo(checked.check("k", cost, t).allowed());
    }
    assertThat(acquired.check("k", 1, t)).isEqualTo(checked.check("k", 1, t));
  }

  @Requires(algorithms = Algorithm.SLIDING_WINDOW_LOG)
  @Test
  default void limiter_equalRulesShareStateAndOthersDoNot() {
    Limit limit = Limit.slidingWindowLog(2, Duration.ofSeconds(1));
    long t = CLOCK_START;
    RateLimiter first = engine().limiter(Rule.of("api", limit));
    RateLimiter second = engine().limiter(Rule.of("api", Limit.slidingWindowLog(2,
        Duration.ofMillis(1000))));
    assertThat(second.rule()).isEqualTo(first.rule());
    assertThat(first.check("a", 1, t).remaining()).isEqualTo(1);
    assertThat(second.check("a", 1, t).remaining()).isZero();
    assertThat(first.check("a", 1, t).allowed()).isFalse();
    RateLimiter otherId = engine().limiter(Rule.of("api2", limit));
    RateLimiter otherLimits = engine().limiter(Rule.of("api", limit, limit.withBurst(2)));
    RateLimiter otherPermits = engine().limiter(Rule.of("api",
        Limit.slidingWindowLog(3, Duration.ofSeconds(1))));
    assertThat(otherId.check("a", 1, t).remaining()).isEqualTo(1);
    assertThat(otherLimits.check("a", 1, t).remaining()).isEqualTo(1);
    assertThat(otherPermits.check("a", 1, t).remaining()).isEqualTo(2);
  }

  @Requires(algorithms = Algorithm.TOKEN_BUCKET)
  @Test
  default void check_clientsAreIsolated() {
    RateLimiter rl = limiter(Limit.tokenBucket(2, Duration.ofSeconds(1)));
    long t = CLOCK_START;
    assertThat(rl.check("alice", 2, t).remaining()).isZero();
    assertThat(rl.check("alice", 1, t).allowed()).isFalse();
    assertThat(rl.check("bob", 1, t)).isEqualTo(allowed(2, 1, t + 500_000));
    assertThat(rl.check("Alice", 1, t).remaining()).isEqualTo(1);
    assertThat(rl.check("alice ", 1, t).remaining()).isEqualTo(1);
    assertThat(rl.check("", 1, t).remaining()).isEqualTo(1);
    assertThat(rl.check("alice", 1, t).allowed()).isFalse();
  }

  @Requires(algorithms = Algorithm.FIXED_WINDOW)
  @Test
  default void check_withoutTimestampReadsTheEngineTimeSource() {
    RateLimiter rl = limiter(Limit.fixedWindow(2, Duration.ofSeconds(1)));
    assertThat(rl.timeSource()).isSameAs(engine().timeSource());
    assertThat(rl.rule()).isEqualTo(Rule.of("tck", Limit.fixedWindow(2, Duration.ofSeconds(1))));
    clock().set(5_500_000);
    assertThat(rl.check("a")).isEqualTo(allowed(2, 1, 6_000_000));
    assertThat(rl.check("a", 1)).isEqualTo(allowed(2, 0, 6_000_000));
    assertThat(rl.tryAcquire("a")).isFalse();
    clock().advanceMicros(500_000);
    assertThat(rl.tryAcquire("a")).isTrue();
    assertThat(rl.tryAcquire(9L)).isTrue();
    assertThat(rl.check("9", 1).remaining()).isZero();
    assertThat(rl.checkAsync("a", 1, 6_000_001).toCompletableFuture().join())
        .isEqualTo(allowed(2, 0, 7_000_000));
  }
}
