package dev.sluice.internal;

import dev.sluice.InMemoryEngine;
import dev.sluice.spi.ConfigSection;
import dev.sluice.spi.EngineProvider;
import dev.sluice.spi.EngineSpec;
import dev.sluice.spi.ProvidedEngine;
import java.time.Duration;

/**
 * {@code engine.type: in-memory}: the embedded engine. Keys: {@code max-clients-per-rule} (cap on
 * tracked clients per rule, default none), {@code eviction-grace} (default 1s).
 *
 * <p>Public only for {@link java.util.ServiceLoader}; not part of the API.
 */
public final class InMemoryEngineProvider implements EngineProvider {
  /** The provider ServiceLoader instantiates. */
  public InMemoryEngineProvider() {}

  @Override
  public String type() {
    return "in-memory";
  }

  @Override
  public EngineSpec read(ConfigSection engine) {
    long cap = engine.longValue("max-clients-per-rule", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    Duration grace = engine.duration("eviction-grace", Duration.ofSeconds(1), Duration.ZERO);
    return new EngineSpec() {
      @Override
      public String name() {
        return "in-memory";
      }

      @Override
      public ProvidedEngine create() {
        return ProvidedEngine.local(
            InMemoryEngine.builder().maxClientsPerRule(cap).evictionGrace(grace).build());
      }
    };
  }
}
