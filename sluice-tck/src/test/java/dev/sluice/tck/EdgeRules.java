package dev.sluice.tck;

import static dev.sluice.tck.ConformanceFixture.micros;

import dev.sluice.Limit;
import dev.sluice.Rule;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Rules at the edges of every range docs/algorithms.md allows (permits up to 2^53 - 1, windows up
 * to 2^48us, products just below 2^61), for random runs that also send timestamps near
 * {@link Limit#MAX_TIME}.
 */
public final class EdgeRules {
  private static final long MAX_N = Limit.MAX_PERMITS;
  private static final Duration MAX_W = Limit.MAX_WINDOW;
  private static final int SEEDS_PER_RULE = 3;

  private EdgeRules() {}

  /** The edge rules. */
  public static List<Rule> rules() {
    return List.of(
        Rule.of("fixed-max", Limit.fixedWindow(MAX_N, MAX_W)),
        Rule.of("log-max-per-micro", Limit.slidingWindowLog(MAX_N, micros(1))),
        Rule.of("log-one-per-max", Limit.slidingWindowLog(1, MAX_W)),
        Rule.of("counter-near-2^61", Limit.slidingWindowCounter(1L << 30, micros((1L << 31) - 1))),
        Rule.of("counter-max-window", Limit.slidingWindowCounter(3, MAX_W)),
        Rule.of("bucket-max-per-micro", Limit.tokenBucket(MAX_N, micros(1))),
        Rule.of("bucket-near-2^61", Limit.tokenBucket(1, MAX_W).withBurst(8_191)),
        Rule.of("gcra-max-per-3us", Limit.gcra(MAX_N, micros(3))),
        Rule.of("gcra-max-per-max", Limit.gcra(MAX_N, MAX_W)),
        Rule.of("gcra-burst-near-2^58", Limit.gcra(7, MAX_W).withBurst(1_000)),
        Rule.of("mixed-edges", Limit.fixedWindow(MAX_N, micros(1)), Limit.gcra(MAX_N, micros(3)),
            Limit.tokenBucket(1, MAX_W).withBurst(8_191)));
  }

  /** Each edge rule with a few seeds: (rule id, rule, seed). */
  public static Stream<Arguments> cases() {
    return rules().stream().flatMap(rule -> TckSeeds.seeds().limit(SEEDS_PER_RULE)
        .mapToObj(seed -> Arguments.of(rule.id(), rule, seed)));
  }
}
