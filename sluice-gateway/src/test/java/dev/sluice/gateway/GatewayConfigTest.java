package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.gateway.balance.BalancerKind;
import dev.sluice.rules.config.ConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: defaults, every error naming its key, and the shipped example. */
class GatewayConfigTest {
  @TempDir
  Path dir;

  private GatewayConfig parse(String yaml) throws Exception {
    java.nio.file.Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    return GatewayConfig.parse(new ObjectMapper(new YAMLFactory()).readTree(yaml), dir,
        name -> null);
  }

  @Test
  void minimalShapeOfTheIssue_parsesWithDefaults() throws Exception {
    GatewayConfig c = parse("""
        gateway:
          host: 127.0.0.1
          port: 8000
          routes:
            - match: {path: "/api/**"}
              upstream: api
          upstreams:
            api:
              lb: round-robin
              hosts:
                - {url: "http://127.0.0.1:9001", weight: 1}
                - {url: "http://127.0.0.1:9002", weight: 3}
              health-check: {path: /healthz, interval: 1s, timeout: 500ms, healthy: 2,
                             unhealthy: 3}
            tenants:
              lb: consistent-hash
              hash-on: {header: X-Tenant}
              hosts: [{url: "http://127.0.0.1:9003"}, {url: "http://127.0.0.1:9004"}]
        engine: {type: in-memory}
        """);
    assertThat(c.port()).isEqualTo(8000);
    assertThat(c.routes()).hasSize(1);
    assertThat(c.upstreams().get("api").hosts().get(1).weight()).isEqualTo(3);
    assertThat(c.upstreams().get("api").healthCheck().unhealthy()).isEqualTo(3);
    assertThat(c.upstreams().get("tenants").lb()).isEqualTo(BalancerKind.CONSISTENT_HASH);
    assertThat(c.upstreams().get("tenants").hashOn().header()).isEqualTo("X-Tenant");
    assertThat(c.upstreams().get("api").retry().attempts()).isEqualTo(2);
    assertThat(c.upstreams().get("api").adaptive().algorithm()).isEqualTo("none");
    assertThat(c.tiers().levels()).hasSize(1);
    assertThat(c.reloadInterval()).hasSeconds(1);
  }

  @Test
  void zeroMeansOff_forReloadIntervalAndSlowStart() throws Exception {
    GatewayConfig c = parse("""
        gateway:
          reload-interval: 0s
          routes: [{upstream: a}]
          upstreams: {a: {hosts: [{url: "http://127.0.0.1:1"}], slow-start: 0}}
        """);
    assertThat(c.reloadInterval()).isZero();
    assertThat(c.upstreams().get("a").slowStart()).isZero();
  }

  @Test
  void everyProblemIsReportedWithItsKey() {
    assertThatThrownBy(() -> parse("""
        gateway:
          port: 70000
          tiers:
            levels: [{name: free, max-share: 0.9}, {name: pro, max-share: 0.5}]
          routes:
            - match: {path: "api/**"}
              upstream: nowhere
              tier: gold
          upstreams:
            api:
              lb: random
              hosts: [{url: "ftp://x:1"}, {url: "http://a:1/p"}, {weight: 0}]
              hash-on: {header: X-T, cookie: c}
              health-check: {interval: 100ms, timeout: 1s}
              adaptive: {algorithm: magic}
              typo: 1
        """)).isInstanceOf(ConfigException.class).satisfies(e -> assertThat(e.getMessage())
            .contains("gateway.port: 70000 must be in [0, 65535]")
            .contains("gateway.tiers.levels[1].max-share")
            .contains("gateway.routes[0].match.path: 'api/**' must start with /")
            .contains("gateway.routes[0].upstream: 'nowhere' is not in gateway.upstreams")
            .contains("gateway.routes[0].tier: 'gold' is not a tier")
            .contains("gateway.upstreams.api.lb: 'random' is not a balancer")
            .contains("gateway.upstreams.api.hosts[0].url: 'ftp://x:1' must be an http:// or "
                + "https:// URL")
            .contains("gateway.upstreams.api.hosts[1].url: 'http://a:1/p' must not have a path")
            .contains("gateway.upstreams.api.hosts[2].weight: 0 must be in [1, 1000]")
            .contains("gateway.upstreams.api.hash-on: set one of")
            .contains("gateway.upstreams.api.health-check.timeout: must not exceed interval")
            .contains("gateway.upstreams.api.adaptive.algorithm: 'magic' must be one of")
            .contains("gateway.upstreams.api.typo: unknown key"));
  }

  @Test
  void noUpstreamsOrRoutes_isRefused() {
    assertThatThrownBy(() -> parse("gateway: {}\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.upstreams: must name at least one upstream")
        .hasMessageContaining("gateway.routes: must hold at least one route");
  }

  @Test
  void theShippedExampleParses() {
    Path example = Path.of("..", "config", "gateway.yaml");
    GatewayConfig c = GatewayConfig.load(example, name -> null);
    assertThat(c.routes()).isNotEmpty();
    assertThat(c.upstreams()).containsKeys("api", "tenants");
  }
}
