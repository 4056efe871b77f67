package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.redis.Servers.Kind;
import dev.sluice.redis.Servers.OnRedis;
import dev.sluice.testkit.Poll;
import dev.sluice.testkit.RedisProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Client-side sharding over three real standalone servers on a consistent-hash ring. */
@OnRedis(Kind.RING)
class ShardedRingRedisTest extends RedisEquivalenceTest {

  @Override
  Topology topology() {
    List<Topology.Shard> shards = new ArrayList<>();
    for (int i = 0; i < servers().size(); i++) {
      shards.add(new Topology.Shard("shard-" + i, servers().get(i).uri(), i == 2 ? 2 : 1,
          i == 0 ? Duration.ofSeconds(4) : null));
    }
    return Topology.sharded(shards);
  }

  @Override
  int rounds() {
    return 2;
  }

  @Test
  void keysSpreadByWeight_andAShardDownDegradesOnlyItsKeys() {
    Rule rule = Rule.of("ring", Limit.fixedWindow(5, Duration.ofHours(1)));
    try (RedisEngine engine = RedisEngine.builder(topology()).keyPrefix("rg" + UUID.randomUUID())
        .commandTimeout(Duration.ofMillis(300)).connectTimeout(Duration.ofMillis(300))
        .maxReconnectDelay(Duration.ofMillis(200))
        .breaker(new BreakerSettings(2, Duration.ofMillis(200), Duration.ofSeconds(1)))
        .defaultPolicy(FailurePolicy.failClosed()).build()) {
      Map<Integer, List<String>> byServer = new HashMap<>();
      for (int i = 0; i < 400; i++) {
        String client = "u" + i;
        assertThat(engine.limiter(rule).check(client).degraded()).isFalse();
        for (int s = 0; s < servers().size(); s++) {
          if ((Long) servers().get(s).call("EXISTS", engine.keyOf(client, rule)) == 1) {
            byServer.computeIfAbsent(s, k -> new ArrayList<>()).add(client);
          }
        }
      }
      System.out.println("ring over 3 servers, weights 1:1:2, 400 clients: "
          + byServer.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size())
              .toList());
      assertThat(byServer.values().stream().mapToInt(List::size).sum()).isEqualTo(400);
      assertThat(byServer.get(2).size()).isGreaterThan(byServer.get(0).size());

      RedisProcess down = servers().get(1);
      down.kill();
      try {
        Poll.until("breaker of shard-1 opens", Duration.ofSeconds(30), () -> {
          engine.limiter(rule).check(byServer.get(1).get(0));
          return engine.stats().breakers().get("shard-1").equals("OPEN");
        });
        Decision onDown = engine.limiter(rule).check(byServer.get(1).get(1));
        assertThat(onDown.degraded()).isTrue();
        assertThat(onDown.allowed()).isFalse();
        Decision onLive = engine.limiter(rule).check(byServer.get(0).get(0));
        assertThat(onLive.degraded()).isFalse();
        assertThat(engine.stats().breakers().get("shard-0")).isEqualTo("CLOSED");
      } finally {
        down.restart();
      }
      Poll.until("shard-1 back", Duration.ofSeconds(30),
          () -> !engine.limiter(rule).check(byServer.get(1).get(2)).degraded());
    }
  }

  private List<RedisProcess> servers() {
    return Servers.standalones(getClass());
  }
}
