package dev.sluice.tck;

import dev.sluice.InMemoryEngine;
import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;

/** The conformance suite on the embedded engine with its defaults. */
class InMemoryEngineConformanceTest extends AbstractRateLimiterConformanceTest {
  @Override
  protected RateLimiterEngine newEngine(TimeSource timeSource) {
    return InMemoryEngine.builder().timeSource(timeSource).build();
  }
}
