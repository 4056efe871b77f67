package dev.sluice.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RlsConfigTest {

  @Test
  void fromMap_readsEveryKey_configDirRelativeToTheConfigFile() {
    RlsConfig o = RlsConfig.fromMap(Map.of("host", "0.0.0.0", "port", 0, "config-dir", "envoy",
        "reload-interval", "250ms", "near-limit-ratio", 0.5, "response-headers", true,
        "all-or-nothing", false, "max-message-size", 4096), Path.of("/etc/sluice/sluice.yaml"));
    assertThat(o.host()).isEqualTo("0.0.0.0");
    assertThat(o.port()).isZero();
    assertThat(o.configDir()).isEqualTo(Path.of("/etc/sluice/envoy"));
    assertThat(o.reloadInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(o.nearLimitRatio()).isEqualTo(0.5);
    assertThat(o.responseHeaders()).isTrue();
    assertThat(o.allOrNothing()).isFalse();
    assertThat(o.maxMessageBytes()).isEqualTo(4096);
  }

  @Test
  void fromMap_reportsEveryBadKeyWithItsPath() {
    assertThatThrownBy(() -> RlsConfig.fromMap(Map.of("port", 70_000, "hots", "x",
        "near-limit-ratio", 2), Path.of("sluice.yaml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rls.hots: unknown key")
        .hasMessageContaining("rls.port: '70000' is not a port")
        .hasMessageContaining("rls.config-dir: missing")
        .hasMessageContaining("rls.near-limit-ratio: '2' is not a number in (0, 1]");
  }

  @Test
  void builder_validatesEarlyNamingTheValue() {
    assertThatThrownBy(() -> RlsConfig.builder().configDir(Path.of(".")).port(-1).build())
        .hasMessage("rls port -1 must be in 0..65535");
    assertThatThrownBy(() -> RlsConfig.builder().build())
        .hasMessage("rls config-dir must be set");
  }
}
