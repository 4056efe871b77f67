package dev.sluice.tck;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hand-computed cases of docs/algorithms.md ({@link HandCases}): for each algorithm, rules of
 * several limits and the seed implementation's worked example, every decision field for field.
 * A case runs where the engine supports every algorithm its rules use.
 */
public interface HandComputedContract extends ConformanceFixture {

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.sluice.tck.HandCases#all")
  default void check_decidesAsComputedByHand(HandCases.HandCase handCase) {
    handCase.run(engine());
  }
}
