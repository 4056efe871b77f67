package dev.sluice.frontend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.rules.Pipeline;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;

/**
 * Another front end that {@code sluice serve} runs beside the HTTP API, over the same pipeline
 * (engine, rules, identity) and the same metrics: for example the Envoy rate limit service of
 * {@code sluice-grpc}. Found with {@link java.util.ServiceLoader}; each reads one top-level
 * section of the configuration file and is started only when that section enables it.
 *
 * <p>Implementations have a public no-argument constructor and are thread-safe.
 */
public interface ServeExtension {
  /** The top-level section of the configuration this front end reads, e.g. {@code rls}. */
  String section();

  /**
   * Reads and validates the section, adding each problem (with its full key) to
   * {@code problems}.
   *
   * @param section the section, or null when the file has none
   * @param baseDir the configuration file's folder, for relative paths
   * @return what to start, or null when the section does not enable this front end (or is bad)
   */
  Starter read(JsonNode section, Path baseDir, List<String> problems);

  /** A validated front end, ready to start. */
  @FunctionalInterface
  interface Starter {
    /**
     * Starts listening.
     *
     * @throws RuntimeException when it cannot (a port in use): the service does not start
     */
    Running start(Pipeline pipeline, MeterRegistry registry);
  }

  /** A running front end. */
  interface Running extends AutoCloseable {
    /** The line {@code serve} prints once it listens, e.g. {@code Envoy RLS listening on ...}. */
    String banner();

    /** Stops listening; the pipeline is closed by the service. */
    @Override
    void close();
  }
}
