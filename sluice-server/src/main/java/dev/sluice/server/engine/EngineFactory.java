package dev.sluice.server.engine;

import dev.sluice.RateLimiterEngine;
import dev.sluice.server.config.ConfigNode;

/** Builds one kind of engine from its section of the configuration. */
public interface EngineFactory {

  /** The value of {@code engine.type} that selects this factory. */
  String type();

  /**
   * Reads and validates the engine's keys of the {@code engine} section, recording each problem
   * on the node; returns what {@link Spec#create()} will build.
   */
  Spec read(ConfigNode engine);

  /** A validated engine configuration. */
  interface Spec {
    /** A short name for logs and metric tags. */
    String name();

    /** Builds the engine; may fail when a backend cannot be reached. */
    RateLimiterEngine create();

    /** The circuit state for the metric: 0 closed, 1 half-open, 2 open. */
    default int circuitState(RateLimiterEngine engine) {
      return 0;
    }
  }
}
