package dev.sluice.spi;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The base of an {@link EngineProvider} whose keys may name files (such as {@code engine.tls}):
 * {@link #type()} is the type given at construction, and a section read without the
 * configuration file's folder ({@link #read(ConfigSection)}) resolves relative paths against the
 * working directory. Subclasses implement {@link #read(ConfigSection, Path)} only.
 *
 * <p>Subclasses must be thread-safe, as every provider.
 */
public abstract class FileKeysEngineProvider implements EngineProvider {
  private final String type;

  /**
   * A provider selected by {@code engine.type: type}.
   *
   * @throws NullPointerException if {@code type} is null
   */
  protected FileKeysEngineProvider(String type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  @Override
  public final String type() {
    return type;
  }

  /** As {@link #read(ConfigSection, Path)} with paths relative to the working directory. */
  @Override
  public final EngineSpec read(ConfigSection engine) {
    return read(engine, Path.of(""));
  }

  @Override
  public abstract EngineSpec read(ConfigSection engine, Path baseDir);
}
