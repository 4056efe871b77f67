package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.testkit.Poll;
import dev.sluice.testkit.RedisSentinelGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real Sentinel group: the equivalence runs, and a failover under load. */
class SentinelRedisTest extends RedisEquivalenceTest {
  private static RedisSentinelGroup group;

  @BeforeAll
  static void startGroup() {
    group = RedisSentinelGroup.start();
  }

  @AfterAll
  static void stopGroup() {
    if (group != null) {
      group.close();
    }
  }

  @Override
  Topology topology() {
    return Topology.sentinel(RedisSentinelGroup.MASTER_ID, group.sentinelAddresses());
  }

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
      int oldMaster = group.currentMasterPort();
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread th = new Thread(() -> {
          long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
          int i = 0;
          while (!stop.get() && System.nanoTime() < deadline) {
            try {
              engine.limiter(strict).check("load-" + (i++ % 50));
            } catch (Throwable e) {
              thrown.add(e);
            }
          }
        });
        th.setDaemon(true);
        threads.add(th);
        th.start();
      }
      try {
        group.master().kill();
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
            () -> group.currentMasterPort() != oldMaster);
        Poll.until("engine reconnects to the new master", Duration.ofSeconds(60),
            () -> !engine.limiter(strict).check("after-" + System.nanoTime()).degraded());
        assertThat(group.currentMasterPort()).isEqualTo(group.replica().port());
        String client = "fresh-" + System.nanoTime();
        for (int i = 0; i < 5; i++) {
          Decision d = engine.limiter(strict).check(client);
          assertThat(d.allowed()).isTrue();
          assertThat(d.degraded()).isFalse();
        }
        Decision denied = engine.limiter(strict).check(client);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.degraded()).isFalse();
      } finally {
        stop.set(true);
        for (Thread th : threads) {
          th.join(10_000);
        }
      }
      assertThat(thrown).isEmpty();
    }
  }
}
