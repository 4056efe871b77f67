package dev.sluice.tck;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import java.time.Duration;

/**
 * What every contract of the conformance suite needs: the engine under test, its manual clock,
 * and short ways to write expected decisions. {@link AbstractRateLimiterConformanceTest}
 * implements it with a fresh engine per test.
 */
public interface ConformanceFixture {

  /** The time the manual clock shows when a test starts, in microseconds since the epoch. */
  long CLOCK_START = 1_700_000_000_000_000L;

  /** The engine under test: fresh and empty for each test. */
  RateLimiterEngine engine();

  /** The engine's time source; tests move it by hand. */
  ManualTimeSource clock();

  /**
   * How many steps the long no-drift runs take (one request per microsecond, or a few per step):
   * a million by default. A backend whose every request crosses a network may override it with a
   * smaller number; the expected counts follow from it.
   */
  default int longRunSteps() {
    return 1_000_000;
  }

  /**
   * What the engine under test claims; the contracts' {@link Requires} are matched against it.
   * By default the full claim, {@link EngineCapabilities#exact()}.
   */
  default EngineCapabilities capabilities() {
    return EngineCapabilities.exact();
  }

  /**
   * Runs one round of an engine that exchanges state in rounds (see
   * {@link EngineCapabilities#syncInterval()}), as its own thread would; by default nothing.
   * Contracts that move the clock call it once per sync interval.
   */
  default void sync() {
  }

  /**
   * Whether the engine decides exactly at the caller's timestamps: the contracts that also run on
   * bounded engines check exact decisions only then.
   */
  default boolean exactAtCallerTimes() {
    return capabilities().isExact() && capabilities().callerClock();
  }

  /**
   * {@code preferred} if the engine supports it, else the first algorithm it supports: for tests
   * in which the algorithm does not matter.
   */
  default Algorithm supported(Algorithm preferred) {
    EngineCapabilities claimed = capabilities();
    return claimed.algorithms().contains(preferred) ? preferred : claimed.algorithmList().get(0);
  }

  /** A limiter of one rule, {@code "tck"}, made of {@code limits}. */
  default RateLimiter limiter(Limit... limits) {
    return engine().limiter(Rule.of("tck", limits));
  }

  /** A duration of {@code micros} microseconds. */
  static Duration micros(long micros) {
    return Duration.ofNanos(Math.multiplyExact(micros, 1_000L));
  }

  /**
   * "N per T" for the edge cases that hold for every algorithm: the algorithm's own default,
   * except GCRA, whose default burst of 1 would admit only one of N back-to-back requests, so it
   * gets a burst of N (and then admits exactly what a token bucket does).
   */
  static Limit nPerT(Algorithm algorithm, long n, Duration t) {
    Limit limit = Limit.of(algorithm, n, t);
    return algorithm == Algorithm.GCRA && n > 0 ? limit.withBurst(n) : limit;
  }

  /** An allowed decision reporting limit 0 of the rule. */
  static Decision allowed(long limit, long remaining, long resetAt) {
    return allowed(limit, remaining, resetAt, 0);
  }

  /** An allowed decision reporting the limit at {@code index}. */
  static Decision allowed(long limit, long remaining, long resetAt, int index) {
    return new Decision(true, limit, remaining, resetAt, 0, index, false);
  }

  /** A denied decision reporting limit 0 of the rule. */
  static Decision denied(long limit, long remaining, long resetAt, long retryAfter) {
    return denied(limit, remaining, resetAt, retryAfter, 0);
  }

  /** A denied decision reporting the limit at {@code index}. */
  static Decision denied(long limit, long remaining, long resetAt, long retryAfter, int index) {
    return new Decision(false, limit, remaining, resetAt, retryAfter, index, false);
  }
}
