package dev.sluice.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The example directory shipped in {@code config/envoy} loads without errors. */
class ShippedConfigTest {

  @Test
  void configEnvoy_everyFileIsValid() throws IOException, ConfigError {
    Path dir = Path.of("..", "config", "envoy");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        assertThat(ErlConfigParser.parse(f, Files.readString(f)).domain()).isNotBlank();
      }
    }
  }
}
