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
}
