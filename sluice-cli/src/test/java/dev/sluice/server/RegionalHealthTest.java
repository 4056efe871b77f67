package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.CuttableProxy;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.TestHttp.Answer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service on {@code engine.type: regional} with two regions, each on its own real Redis, the
 * other region reached through a cuttable link: {@code /readyz} and the {@code sluice_region_*}
 * gauges show each region's allocation and what it admitted, and a cut link shows the other
 * region partitioned while checks go on.
 */
class RegionalHealthTest {
  @TempDir
  Path dir;

  static final String RULES = """
      rules:
        - id: global
          limits:
            - {window: 1m, max: 1000, scope: client}
      """;

  @Test
  void readyzAndMetrics_showAllocations_andACutLinkShowsThePartition() {
    try (RedisProcess eu = RedisServers.standalone();
        RedisProcess us = RedisServers.standalone();
        CuttableProxy toUs = CuttableProxy.to(us.port())) {
      String cfg = """
          engine:
            type: regional
            region: eu
            regions: [eu, us]
            redis:
              eu: {uri: "redis://127.0.0.1:%d", weight: 3}
              us: {uri: "redis://127.0.0.1:%d", weight: 1}
            exchange-interval: 50ms
            command-timeout: 200ms
          rules: {reload-interval: 50ms}
          """.formatted(eu.port(), toUs.port());
      try (TestServer s = TestServer.start(dir, cfg, RULES)) {
        String check = "{\"client_id\":\"c1\",\"rule_id\":\"global\"}";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          Answer r = s.check(check);
          assertThat(r.status()).as(r.text()).isEqualTo(200);
          JsonNode regions = s.get("/readyz").json().get("regions");
          assertThat(regions).as(String.valueOf(regions)).hasSize(2);
          JsonNode own = regions.get(0).get("own").asBoolean() ? regions.get(0) : regions.get(1);
          JsonNode other = own == regions.get(0) ? regions.get(1) : regions.get(0);
          assertThat(own.get("region").asText()).isEqualTo("eu");
          // Summed over every limit exchanged (the readiness probe's included); no instance of
          // us runs, so us has sealed no epoch and counts 0.
          assertThat(own.get("allocation").asLong()).isGreaterThanOrEqualTo(750);
          assertThat(other.get("allocation").asLong()).isZero();
          assertThat(own.get("admitted").asLong()).isPositive();
          assertThat(own.get("partitioned").asBoolean()).isFalse();
        });
        assertThat(s.metric("sluice_region_allocation", "region=\"eu\""))
            .isGreaterThanOrEqualTo(750);
        assertThat(s.metric("sluice_region_partitioned", "region=\"us\"")).isZero();

        toUs.cut();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          JsonNode regions = s.get("/readyz").json().get("regions");
          for (JsonNode g : regions) {
            assertThat(g.get("partitioned").asBoolean()).as(regions.toString())
                .isEqualTo(g.get("region").asText().equals("us"));
          }
          assertThat(s.metric("sluice_region_partitioned", "region=\"us\"")).isEqualTo(1);
        });
        Answer r = s.check(check);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().has("degraded")).as(r.text()).isFalse();
      }
    }
  }
}
