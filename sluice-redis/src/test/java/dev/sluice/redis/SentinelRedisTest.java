package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.redis.Servers.Kind;
import dev.sluice.redis.Servers.OnRedis;
import dev.sluice.testkit.Poll;
import dev.sluice.testkit.RedisSentinelGroup;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A real Sentinel group: the equivalence runs, and a failover under load. */
@OnRedis(Kind.SENTINELS)
class SentinelRedisTest extends RedisEquivalenceTest {
  @Override
  int rounds() {
    return 1;
  }

  @Test
  void masterKilled_sentinelFailsOver_engineFollowsTheNewMaster() throws Exception {
    Rule strict = Rule.of("strict", Limit.fixedWindow(5, Duration.ofHours(1)));
    try (RedisEngine engine = RedisEngine.builder(topology()).keyPrefix("sf" + UUID.randomUUID())
        .commandTimeout(Duration.ofMillis(300)).connectTimeout(Duration.ofMillis(500))
        .maxReconnectDelay(Duration.ofMillis(200))
        .breaker(new BreakerSettings(3, Duration.ofMillis(200), Duration.ofSeconds(1)))
        .defaultPolicy(FailurePolicy.local())
        .build()) {
      assertThat(engine.limiter(strict).check("warm").degraded()).isFalse();
      int oldMaster = sentinels().currentMasterPort();
      Failover.Load load = new Failover.Load(2,
          i -> engine.limiter(strict).check("load-" + (i % 50)));
      try (load) {
        sentinels().master().kill();
        Poll.until("checks degrade to the local engine", Duration.ofSeconds(30),
            () -> engine.limiter(strict).check("during-" + System.nanoTime()).degraded());
        // local policy: the in-memory engine enforces the rule meanwhile
        String local = "local-" + System.nanoTime();
        for (int i = 0; i < 5; i++) {
          assertThat(engine.limiter(strict).check(local).allowed()).isTrue();
        }
        Decision sixth = engine.limiter(strict).check(local);
        if (sixth.degraded()) {
          assertThat(sixth.allowed()).isFalse();
        }
        Poll.until("sentinels promote the replica", Duration.ofSeconds(60),
            () -> sentinels().currentMasterPort() != oldMaster);
        Poll.until("engine reconnects to the new master", Duration.ofSeconds(60),
            () -> !engine.limiter(strict).check("after-" + System.nanoTime()).degraded());
        assertThat(sentinels().currentMasterPort()).isEqualTo(sentinels().replica().port());
        Failover.assertFiveThenDenied(engine.limiter(strict), "fresh-" + System.nanoTime());
      }
      assertThat(load.thrown()).isEmpty();
    }
  }

  private RedisSentinelGroup sentinels() {
    return Servers.sentinels(getClass());
  }
}
