package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.redis.Servers.Kind;
import dev.sluice.redis.Servers.OnRedis;
import dev.sluice.testkit.Poll;
import dev.sluice.testkit.RedisCluster;
import dev.sluice.testkit.RedisProcess;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A real Redis Cluster of 3 masters and 3 replicas: the equivalence runs, and a master killed
 * under load with its replica promoted.
 */
@OnRedis(Kind.OWN_CLUSTER)
class ClusterRedisTest extends RedisEquivalenceTest {
  @Override
  int rounds() {
    return 2;
  }

  @Test
  void clientsSpreadOverTheMasters_eachKeyInOneSlot() {
    Rule rule = Rule.of("spread", Limit.fixedWindow(3, Duration.ofMinutes(1)));
    try (RedisEngine engine = RedisEngine.builder(topology()).keyPrefix("sp")
        .commandTimeout(Duration.ofSeconds(5)).build()) {
      java.util.Set<Integer> masters = new java.util.HashSet<>();
      // a fresh client may first see a slot map older than the last failover: it converges
      Poll.until("slot map current", Duration.ofSeconds(30),
          () -> !engine.limiter(rule).check("warm-" + System.nanoTime()).degraded());
      for (int i = 0; i < 30; i++) {
        String client = "spread-" + i;
        assertThat(engine.limiter(rule).check(client).degraded())
            .as("%s", engine.stats().lastFailure()).isFalse();
        masters.add(cluster().masterOf(SlotHash.getSlot(engine.keyOf(client, rule))).port());
      }
      assertThat(masters).hasSize(3);
      assertThat(engine.stats().breakers()).hasSizeGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void masterKilledUnderLoad_otherMastersUnaffected_replicaPromoted_limitsReturn()
      throws Exception {
    Rule strict = Rule.of("strict", Limit.fixedWindow(5, Duration.ofHours(1)));
    Rule load = Rule.of("load", Limit.fixedWindow(1_000_000, Duration.ofHours(1)));
    try (RedisEngine engine = RedisEngine.builder(topology()).keyPrefix("fo" + UUID.randomUUID())
        .commandTimeout(Duration.ofMillis(300)).connectTimeout(Duration.ofMillis(300))
        .maxReconnectDelay(Duration.ofMillis(200))
        .breaker(new BreakerSettings(3, Duration.ofMillis(200), Duration.ofSeconds(1)))
        .policy("strict", FailurePolicy.failClosed())
        .build()) {
      // warm up: every client's key routed once
      List<String> clients = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        clients.add("cl-" + i);
        assertThat(engine.limiter(load).check("cl-" + i).degraded()).isFalse();
      }
      RedisProcess victim = cluster().masters().get(0);
      List<String> onVictim = new ArrayList<>();
      List<String> elsewhere = new ArrayList<>();
      for (String c : clients) {
        int slot = SlotHash.getSlot(engine.keyOf(c, strict));
        (cluster().masterOf(slot) == victim ? onVictim : elsewhere).add(c);
      }
      assertThat(onVictim).isNotEmpty();
      assertThat(elsewhere).isNotEmpty();

      Failover.Load running = new Failover.Load(3, i -> engine.limiter(load)
          .checkAsync(clients.get(i % clients.size()), 1).toCompletableFuture().join());
      try (running) {
        victim.kill();
        // keys of the dead master degrade (fail-closed), the others keep deciding normally
        Poll.until("keys on the dead master degrade", Duration.ofSeconds(30), () -> {
          Decision d = engine.limiter(strict).check(onVictim.get(0) + "-x" + System.nanoTime());
          return d.degraded() && !d.allowed();
        });
        for (String c : elsewhere.subList(0, Math.min(5, elsewhere.size()))) {
          Decision d = engine.limiter(strict).check(c);
          assertThat(d.degraded()).as("client %s on a live master", c).isFalse();
        }
        // the replica takes over; the slot map refreshes; the same keys decide again
        Poll.until("replica promoted and routed to", Duration.ofSeconds(60),
            () -> !engine.limiter(strict).check(onVictim.get(0) + "-p" + System.nanoTime())
                .degraded());
        Failover.assertFiveThenDenied(engine.limiter(strict), onVictim.get(0) + "-after");
      } finally {
        victim.restart();
        cluster().awaitOk();
      }
      assertThat(running.thrown()).isEmpty();
    }
  }

  private RedisCluster cluster() {
    return Servers.cluster(getClass());
  }
}
