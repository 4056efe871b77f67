package dev.sluice.spi;

/** A validated engine configuration, read by an {@link EngineProvider}; immutable. */
public interface EngineSpec {
  /** A short name for logs and metric tags, e.g. {@code redis-cluster}. */
  String name();

  /**
   * Builds the engine.
   *
   * @throws RuntimeException when a backend cannot be set up (an unreachable backend is not an
   *     error: the engine's failure policy answers until it is back)
   */
  ProvidedEngine create();

  /**
   * Builds the engine, reporting its per-shard figures to {@code observer}. The default ignores
   * the observer: engines without a backend have nothing to report.
   *
   * @throws RuntimeException as {@link #create()}
   */
  default ProvidedEngine create(EngineObserver observer) {
    return create();
  }
}
