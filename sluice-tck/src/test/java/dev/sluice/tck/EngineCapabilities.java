package dev.sluice.tck;

import dev.sluice.Algorithm;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What an engine claims, as the conformance suite sees one instance of it: which algorithms its
 * limiters accept, how close its decisions are to the reference models, whether it decides at a
 * caller's timestamps, and whether it exchanges state in rounds. Each contract declares what it
 * needs with {@link Requires}; a test runs only where the capabilities claim it, and a contract
 * that holds for every engine asserts the claimed bound instead of exactness.
 *
 * <p>An engine overrides {@link AbstractRateLimiterConformanceTest#capabilities()}; the default,
 * {@link #exact()}, is the full claim of the in-memory and Redis engines.
 *
 * @param algorithms the algorithms the engine's limiters accept (any other is refused by
 *     {@code limiter()})
 * @param accuracy how an instance's decisions relate to those of the reference models
 * @param overAdmission for {@link Accuracy#BOUNDED}, the documented bound: how many units over a
 *     limit one instance may admit per sync interval; 0 otherwise
 * @param callerClock whether the engine decides at any timestamp a caller passes (replays, times
 *     far from its clock); without it requests are sent at the engine's clock
 * @param syncInterval how often the engine exchanges state in rounds
 *     ({@link ConformanceFixture#sync} runs one); {@link Duration#ZERO} for an engine that
 *     decides on its state directly
 */
public record EngineCapabilities(Set<Algorithm> algorithms, Accuracy accuracy,
    long overAdmission, boolean callerClock, Duration syncInterval) {

  /** How an instance's decisions relate to those of the reference models. */
  public enum Accuracy {
    /** Every decision equals the model's, field for field. */
    EXACT,
    /**
     * Admits no more than the models would on the same admitted history (a fixed window at most
     * its limit per window, a token bucket at most its capacity plus the refill over any span),
     * and may admit less; the fields of a decision are not compared.
     */
    NEVER_OVER_ADMITS,
    /**
     * As {@link #NEVER_OVER_ADMITS}, except that it may admit up to
     * {@link EngineCapabilities#overAdmission()} units over a limit per sync interval.
     */
    BOUNDED
  }

  /** Checks the claim is consistent. */
  public EngineCapabilities {
    algorithms = Collections.unmodifiableSet(algorithms.isEmpty()
        ? EnumSet.noneOf(Algorithm.class) : EnumSet.copyOf(algorithms));
    if (accuracy == null) {
      throw new IllegalArgumentException("accuracy must not be null");
    }
    if (overAdmission < 0 || (accuracy != Accuracy.BOUNDED && overAdmission != 0)) {
      throw new IllegalArgumentException("overAdmission " + overAdmission
          + " must be 0, or positive for a bounded engine");
    }
    if (syncInterval == null || syncInterval.isNegative()) {
      throw new IllegalArgumentException("syncInterval " + syncInterval
          + " must be zero or positive");
    }
  }

  /** Every algorithm, exact, at any caller's timestamp, no rounds: the full claim. */
  public static EngineCapabilities exact() {
    return new EngineCapabilities(EnumSet.allOf(Algorithm.class), Accuracy.EXACT, 0, true,
        Duration.ZERO);
  }

  /** The same claim for only {@code supported} algorithms. */
  public EngineCapabilities onlyAlgorithms(Algorithm... supported) {
    return new EngineCapabilities(Set.of(supported), accuracy, overAdmission, callerClock,
        syncInterval);
  }

  /** The same claim, for an engine that never admits more than the models and may admit less. */
  public EngineCapabilities neverOverAdmits() {
    return new EngineCapabilities(algorithms, Accuracy.NEVER_OVER_ADMITS, 0, callerClock,
        syncInterval);
  }

  /**
   * The same claim, for an engine that may admit up to {@code units} over a limit per sync
   * interval.
   */
  public EngineCapabilities bounded(long units) {
    return new EngineCapabilities(algorithms, Accuracy.BOUNDED, units, callerClock,
        syncInterval);
  }

  /** The same claim, for an engine that decides only near its own clock. */
  public EngineCapabilities withoutCallerClock() {
    return new EngineCapabilities(algorithms, accuracy, overAdmission, false, syncInterval);
  }

  /** The same claim, for an engine that exchanges state in rounds every {@code interval}. */
  public EngineCapabilities withRounds(Duration interval) {
    return new EngineCapabilities(algorithms, accuracy, overAdmission, callerClock, interval);
  }

  /** Whether every decision equals the models', field for field. */
  public boolean isExact() {
    return accuracy == Accuracy.EXACT;
  }

  /** The supported algorithms in declaration order (random runs draw from them). */
  public List<Algorithm> algorithmList() {
    return List.copyOf(algorithms);
  }

  /**
   * The most units over a limit an instance may admit in {@code micros} of its clock: 0 unless
   * {@link Accuracy#BOUNDED}, else {@link #overAdmission()} per sync interval begun.
   */
  public long overAdmissionWithin(long micros) {
    if (accuracy != Accuracy.BOUNDED) {
      return 0;
    }
    long interval = Math.max(1, syncInterval.toNanos() / 1_000);
    return overAdmission * (micros / interval + 1);
  }
}
