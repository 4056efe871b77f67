package dev.sluice.tck;

import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import dev.sluice.tck.model.ReferenceEngine;

/**
 * Runs the suite against the reference models themselves: the hand-computed cases check the
 * models, so that a model-based failure on a backend points at the backend.
 */
class ReferenceEngineConformanceTest extends AbstractRateLimiterConformanceTest {
  @Override
  protected RateLimiterEngine newEngine(TimeSource timeSource) {
    return new ReferenceEngine(timeSource);
  }

  /** The models are slow, and exact by construction: a tenth of the long runs is plenty. */
  @Override
  public int longRunSteps() {
    return 100_000;
  }
}
