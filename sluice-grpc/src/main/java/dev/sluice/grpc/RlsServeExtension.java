package dev.sluice.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.rules.Pipeline;
import dev.sluice.frontend.ServeExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs the Envoy RLS beside the HTTP API in {@code sluice serve} when {@code rls.config-dir} is
 * set, on the service's engine and metrics registry (so its counters are on {@code /metrics}).
 *
 * <p>Public only for {@link java.util.ServiceLoader}.
 */
public final class RlsServeExtension implements ServeExtension {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The extension ServiceLoader instantiates. */
  public RlsServeExtension() {}

  @Override
  public String section() {
    return "rls";
  }

  @Override
  public Starter read(JsonNode section, Path baseDir, List<String> problems) {
    if (section == null || section.isNull()) {
      return null;
    }
    if (!section.isObject()) {
      problems.add("rls: must be a section (a map of keys)");
      return null;
    }
    if (!section.hasNonNull("config-dir")) {
      return null; // the RLS runs only when it has ERL files to serve
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> keys = JSON.convertValue(section, Map.class);
    RlsConfig options = RlsConfig.read(keys, baseDir, problems);
    if (options == null) {
      return null;
    }
    return (Pipeline pipeline, MeterRegistry registry) -> {
      RlsServer rls = RlsServer.start(options, pipeline.engine(), registry,
          pipeline.counters());
      String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
      return new Running() {
        @Override
        public String banner() {
          return "Envoy RLS listening on " + host + ":" + rls.port() + " (domains "
              + rls.domains().keySet() + " from " + options.configDir() + ")";
        }

        @Override
        public void close() {
          rls.close();
        }
      };
    };
  }
}
