package dev.sluice.spi;

import java.nio.file.Path;

/**
 * A kind of engine the service can run, found with {@link java.util.ServiceLoader}: register an
 * implementation in {@code META-INF/services/dev.sluice.spi.EngineProvider} (and {@code provides}
 * in {@code module-info.java}). The service picks the provider whose {@link #type()} equals
 * {@code engine.type}.
 *
 * <p>Implementations must have a public no-argument constructor and be thread-safe.
 */
public interface EngineProvider {
  /** The value of {@code engine.type} that selects this provider, e.g. {@code in-memory}. */
  String type();

  /**
   * Reads and validates this engine's keys of the {@code engine} section, recording each problem
   * on {@code engine} (never throwing for bad values), and returns what will be built.
   */
  EngineSpec read(ConfigSection engine);

  /**
   * As {@link #read(ConfigSection)}, for an engine whose keys name files (such as
   * {@code engine.tls}): relative paths resolve against {@code baseDir}, the configuration file's
   * folder. The default ignores it.
   */
  default EngineSpec read(ConfigSection engine, Path baseDir) {
    return read(engine);
  }
}
