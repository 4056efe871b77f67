package dev.sluice.server.engine;

import dev.sluice.InMemoryEngine;
import dev.sluice.RateLimiterEngine;
import dev.sluice.server.config.ConfigNode;
import java.time.Duration;

/**
 * {@code engine.type: in-memory}: the embedded engine. Keys: {@code max-clients-per-rule} (cap on
 * tracked clients per rule, default none), {@code eviction-grace} (default 1s).
 */
final class InMemoryEngineFactory implements EngineFactory {
  @Override
  public String type() {
    return "in-memory";
  }

  @Override
  public Spec read(ConfigNode engine) {
    long cap = engine.longValue("max-clients-per-rule", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    Duration grace = engine.duration("eviction-grace", Duration.ofSeconds(1), Duration.ZERO);
    return new Spec() {
      @Override
      public String name() {
        return "in-memory";
      }

      @Override
      public RateLimiterEngine create() {
        return InMemoryEngine.builder().maxClientsPerRule(cap).evictionGrace(grace).build();
      }
    };
  }
}
