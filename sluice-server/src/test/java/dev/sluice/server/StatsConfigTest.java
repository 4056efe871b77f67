package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.rules.config.ConfigException;
import dev.sluice.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code stats} section: defaults, and every bad key named with the reason. */
class StatsConfigTest {
  @TempDir
  Path dir;

  ServerConfig parse(String yaml) throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    return ServerConfig.parse(new ObjectMapper(new YAMLFactory()).readTree(yaml), dir, n -> null);
  }

  @Test
  void defaults_andGivenValues() throws Exception {
    ServerConfig d = parse("server: {port: 0}\n");
    assertThat(d.stats().sketches().period()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.stats().topKLabels()).isZero();
    ServerConfig c = parse("stats: {period: 2m, slices: 12, top-capacity: 1024, hll-lg-k: 14,"
        + " top-k-labels: 5}\n");
    assertThat(c.stats().sketches().sliceMillis()).isEqualTo(10_000);
    assertThat(c.stats().sketches().topCapacity()).isEqualTo(1024);
    assertThat(c.stats().sketches().hllLgK()).isEqualTo(14);
    assertThat(c.stats().topKLabels()).isEqualTo(5);
  }

  @Test
  void badKeys_areNamed() {
    assertThatThrownBy(() -> parse("""
        stats: {period: soon, slices: 0, top-capacity: 300, hll-lg-k: 30, top-k-labels: 1000,
                colour: red}
        """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
        .anyMatch(p -> p.startsWith("stats.period: 'soon' is not a duration"))
        .anyMatch(p -> p.startsWith("stats.slices: 0 must be in [1, 60]"))
        .anyMatch(p -> p.startsWith("stats.top-capacity: 300 must be a power of two"))
        .anyMatch(p -> p.startsWith("stats.hll-lg-k: 30 must be in [4, 16]"))
        .anyMatch(p -> p.startsWith("stats.top-k-labels: 1000 must be in [0, 100]"))
        .anyMatch(p -> p.startsWith("stats.colour: unknown key")));
    assertThatThrownBy(() -> parse("stats: {period: 1m, slices: 7}\n"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.startsWith("stats.period: period 1m must split into 7 slices")));
  }
}
