package dev.sluice.tck;


import dev.sluice.Algorithm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sliding window counter, as "Sliding window counter" in docs/algorithms.md specifies it. All
 * cases use N = 10 per W = 100us, so the weighted estimate is {@code prev * (100 - e) + cur * 100}
 * against {@code 1000}.
 */
@Requires(algorithms = Algorithm.SLIDING_WINDOW_COUNTER)
public interface SlidingWindowCounterContract extends ConformanceFixture {

  /**
   * The hand-computed cases of {@code cases/sliding-window-counter.cases} (see
   * {@link HandCases}).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.sluice.tck.HandCases#slidingWindowCounter")
  default void slidingCounter_decidesAsComputedByHand(HandCases.HandCase handCase) {
    handCase.run(engine());
  }
}
