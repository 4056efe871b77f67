package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Balancers end to end: weights and hash keys as the upstreams see them. */
class BalancingThroughGatewayTest {
  @TempDir
  Path dir;

  @Test
  void weightedRoundRobin_andConsistentHashByHeader_throughRealUpstreams() {
    try (TestUpstream a = TestUpstream.start("a"); TestUpstream b = TestUpstream.start("b");
        TestGateway g = TestGateway.start(dir, """
            gateway:
              routes:
                - {match: {path: "/w/**"}, upstream: weighted}
                - {match: {path: "/t/**"}, upstream: tenants}
              upstreams:
                weighted:
                  lb: weighted-round-robin
                  hosts: [{url: "%1$s", weight: 1}, {url: "%2$s", weight: 3}]
                tenants:
                  lb: consistent-hash
                  hash-on: {header: X-Tenant}
                  hosts: [{url: "%1$s"}, {url: "%2$s"}]
            """.formatted(a.url(), b.url()), "rules: []\n")) {
      Map<String, Integer> n = new HashMap<>();
      for (int i = 0; i < 200; i++) {
        n.merge(g.get("/w/x").header("X-Upstream"), 1, Integer::sum);
      }
      assertThat(n).containsEntry("a", 50).containsEntry("b", 150);

      Map<String, Integer> byHost = new HashMap<>();
      for (int t = 0; t < 40; t++) {
        String first = g.get("/t/x", "X-Tenant", "tenant-" + t).header("X-Upstream");
        for (int i = 0; i < 3; i++) {
          assertThat(g.get("/t/y", "X-Tenant", "tenant-" + t).header("X-Upstream"))
              .isEqualTo(first);
        }
        byHost.merge(first, 1, Integer::sum);
      }
      assertThat(byHost).containsKeys("a", "b");
    }
  }
}
