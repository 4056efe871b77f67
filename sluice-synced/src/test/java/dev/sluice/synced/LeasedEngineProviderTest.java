package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.redis.Topology;
import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.EngineProvider;
import dev.sluice.spi.ProvidedEngine;
import dev.sluice.synced.SyncedEngineProviderTest.MapSection;
import dev.sluice.testkit.Poll;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code engine.type: leased} is found by ServiceLoader, reads its keys naming bad ones, refuses
 * algorithms it cannot lease, and reports its leases in its health.
 */
class LeasedEngineProviderTest {

  @Test
  void serviceLoader_findsTheLeasedProvider_whichBuildsAnEngineThatReportsItsLeases() {
    EngineProvider p = SyncedEngineProviderTest.provider("leased");
    MapSection engine = new MapSection(Map.of("uri", RedisServers.shared().uri(),
        "sync-interval", Duration.ofMillis(20), "lease-ttl", Duration.ofSeconds(2),
        "max-lease-percent", 50, "key-prefix", "lprovider:" + System.nanoTime() + ":"));
    var spec = p.read(engine);
    assertThat(engine.problems).isEmpty();
    assertThat(spec.name()).isEqualTo("leased-standalone");
    try (ProvidedEngine e = spec.create()) {
      assertThat(e.engine().decidesInline()).isTrue();
      RateLimiter l = e.engine().limiter(Rule.of("p", Limit.fixedWindow(100, Duration.ofHours(1))));
      // The first request has no lease yet and wakes a round; a later one is admitted.
      Poll.until("a lease", Duration.ofSeconds(10), () -> l.tryAcquire("k"));
      EngineHealth h = e.health().get();
      assertThat(h.breakers()).isEmpty();
      assertThat(h.syncs()).hasSize(1);
      EngineHealth.Sync s = h.syncs().get(0);
      assertThat(s.peer()).isEqualTo("redis-standalone");
      assertThat(s.intervalMillis()).isEqualTo(20);
      assertThat(s.leasedPermits()).isPositive().isLessThanOrEqualTo(50);
      assertThat(s.current()).isTrue();
    }
  }

  @Test
  void read_namesKeysThatDoNotApply_aShortLeaseTtl_andShardedTopologies() {
    MapSection engine = new MapSection(Map.of("failure-policy", "fail-open",
        "expected-instances", 3, "sync-interval", Duration.ofMillis(500),
        "lease-ttl", Duration.ofMillis(1_000), "topology", "sharded"));
    new LeasedEngineProvider().read(engine);
    assertThat(engine.problems).anyMatch(s -> s.startsWith("failure-policy: does not apply"));
    assertThat(engine.problems).anyMatch(s -> s.startsWith("expected-instances: does not apply"));
    assertThat(engine.problems).anyMatch(s -> s.startsWith("lease-ttl: PT1S must be at least "
        + "three sync intervals (PT1.5S)"));
    assertThat(engine.problems).anyMatch(s -> s.startsWith("topology:"));
  }

  @Test
  void limiter_refusesAlgorithmsItCannotLease_namingTheRuleAndTheAlgorithm() {
    try (LeasedEngine e = LeasedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .autoSync(false).build()) {
      for (Limit l : new Limit[] {Limit.slidingWindowCounter(10, Duration.ofMinutes(1)),
          Limit.slidingWindowLog(10, Duration.ofMinutes(1)),
          Limit.of(dev.sluice.Algorithm.GCRA, 10, Duration.ofMinutes(1))}) {
        String name = l.algorithm().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        assertThatThrownBy(() -> e.limiter(Rule.of("api", Limit.fixedWindow(5,
            Duration.ofSeconds(1)), l))).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("rule 'api' limit 1 uses " + name + ", which the leased engine does not "
                + "support: it supports fixed-window and token-bucket (use engine.type redis for "
                + "the others, or synced for sliding-window-counter)");
      }
      assertThat(e.limiter(Rule.of("ok", Limit.tokenBucket(5, Duration.ofSeconds(1))))).isNotNull();
    }
    assertThatThrownBy(() -> LeasedEngine.builder(Topology.standalone("redis://127.0.0.1:1"))
        .syncInterval(Duration.ofSeconds(1)).leaseTtl(Duration.ofSeconds(2)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("leaseTtl PT2S must be at least three sync intervals (PT3S)");
    assertThatThrownBy(() -> LeasedEngine.builder(Topology.standalone("redis://127.0.0.1:1"))
        .maxLeaseFraction(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLeaseFraction 0.0 must be > 0 and <= 1");
  }
}
