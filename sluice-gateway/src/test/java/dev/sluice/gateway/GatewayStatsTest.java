package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.stats.RuleSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests through the gateway feed the traffic statistics and their unique-clients gauge. */
class GatewayStatsTest {
  @TempDir
  Path dir;

  @Test
  void proxiedRequests_feedTopOffendersAndUniqueClients() {
    try (TestUpstream api = TestUpstream.start("api");
        TestGateway gw = TestGateway.start(dir, """
            gateway:
              routes: [{match: {path: "/**"}, upstream: api}]
              upstreams: {api: {hosts: [{url: "%s"}]}}
            """.formatted(api.url()), """
            rules:
              - id: limited
                match: {path: "/limited/**"}
                limits: [{window: 1h, max: 2}]
            """)) {
      for (int i = 0; i < 3; i++) {
        gw.get("/limited/x", "X-API-Key", "k-1");
      }
      assertThat(gw.get("/limited/x", "X-API-Key", "k-2").status()).isEqualTo(200);
      RuleSnapshot s = gw.gateway.stats().snapshot("limited", Duration.ofMinutes(1), 5)
          .orElseThrow();
      assertThat(s.requestedTotal()).isEqualTo(4);
      assertThat(s.deniedTotal()).isEqualTo(1);
      assertThat(s.deniedMost().clients()).singleElement()
          .satisfies(c -> assertThat(c.client()).isEqualTo("key:k-1"));
      assertThat(Math.round(s.uniqueClients().estimate())).isEqualTo(2);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(gw.metrics()).contains("sluice_rule_unique_clients{rule=\"limited\"} 2.0"));
    }
  }
}
