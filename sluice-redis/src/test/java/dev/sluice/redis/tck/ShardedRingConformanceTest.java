package dev.sluice.redis.tck;

import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import dev.sluice.tck.AbstractRateLimiterConformanceTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite, unchanged, on a consistent-hash ring over 3 real standalone servers. */
class ShardedRingConformanceTest extends AbstractRateLimiterConformanceTest {
  private static final List<RedisProcess> servers = new ArrayList<>();

  @BeforeAll
  static void startServers() {
    for (int i = 0; i < 3; i++) {
      servers.add(RedisServers.standalone());
    }
  }

  @AfterAll
  static void stopServers() {
    servers.forEach(RedisProcess::close);
    servers.clear();
  }

  @Override
  protected RateLimiterEngine newEngine(TimeSource timeSource) {
    List<Topology.Shard> shards = new ArrayList<>();
    for (int i = 0; i < servers.size(); i++) {
      shards.add(Topology.Shard.of("s" + i, servers.get(i).uri()));
    }
    return RedisTck.engine(Topology.sharded(shards), timeSource);
  }

  @Override
  public int longRunSteps() {
    return RedisTck.LONG_RUN_STEPS;
  }
}
