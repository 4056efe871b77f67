package dev.sluice.tck;

import dev.sluice.Algorithm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sliding window log, as "Sliding window log" in docs/algorithms.md specifies it. */
@Requires(algorithms = Algorithm.SLIDING_WINDOW_LOG)
public interface SlidingWindowLogContract extends ConformanceFixture {

  /** The hand-computed cases of {@code cases/sliding-window-log.cases} (see {@link HandCases}). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.sluice.tck.HandCases#slidingWindowLog")
  default void slidingLog_decidesAsComputedByHand(HandCases.HandCase handCase) {
    handCase.run(engine());
  }
}
