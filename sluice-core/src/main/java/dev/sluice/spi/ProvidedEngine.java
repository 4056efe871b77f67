package dev.sluice.spi;

import dev.sluice.RateLimiterEngine;
import java.util.function.Supplier;

/**
 * An engine built by an {@link EngineSpec}, with the typed view of its health that the service
 * shows in {@code /readyz} and its metrics.
 *
 * @param engine the engine; closed by {@link #close()}
 * @param health the engine's health now; cheap, callable from any thread
 */
public record ProvidedEngine(RateLimiterEngine engine, Supplier<EngineHealth> health)
    implements AutoCloseable {
  /** Checks both parts. */
  public ProvidedEngine {
    if (engine == null || health == null) {
      throw new IllegalArgumentException("engine and health must not be null");
    }
  }

  /** An engine without a backend to lose: always {@link EngineHealth#HEALTHY}. */
  public static ProvidedEngine local(RateLimiterEngine engine) {
    return new ProvidedEngine(engine, () -> EngineHealth.HEALTHY);
  }

  /** Closes the engine. */
  @Override
  public void close() {
    engine.close();
  }
}
