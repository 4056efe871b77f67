package dev.sluice.regions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.Poll;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A region's Redis killed with -9 and started again, empty: the other regions write their view
 * back into it at their next exchange, so the region loses at most what it had not exchanged yet;
 * its epoch guard keeps it within its allocation although its Redis forgot the algorithm state.
 */
class RedisRestartTest {
  private static final Rule RULE = Rule.of("restart", Limit.fixedWindow(1000,
      Duration.ofMinutes(1)));

  private static long admit(RateLimiter l, int n, long now) {
    long a = 0;
    for (int i = 0; i < n; i++) {
      if (l.tryAcquire("client", 1, now)) {
        a++;
      }
    }
    return a;
  }

  @Test
  void restartedRedis_losesAtMostOneExchange_andTheRegionStaysWithinItsAllocation() {
    try (ThreeRegions t = new ThreeRegions(Duration.ofMillis(100), b -> { })) {
      long now = t.clock.nowMicros();
      for (String r : ThreeRegions.NAMES) {
        admit(t.engine(r).limiter(RULE), 100, now);
      }
      RateLimiter eu = t.engine("eu").limiter(RULE);
      assertThat(admit(eu, 200, now)).isEqualTo(200); // eu: 300 of its 400
      assertThat(t.exchangeAll()).isTrue();
      assertThat(t.exchangeAll()).isTrue();
      assertThat(admit(eu, 50, now)).isEqualTo(50); // not exchanged yet

      // Redis and the instance of eu both restart: the new instance knows nothing.
      t.engines.remove("eu").close();
      t.redis.get("eu").kill();
      t.redis.get("eu").restart();
      Map<String, Topology> topologies = new LinkedHashMap<>();
      for (String to : ThreeRegions.NAMES) {
        topologies.put(to, to.equals("eu") ? Topology.standalone(t.redis.get("eu").uri())
            : Topology.standalone("redis://127.0.0.1:" + t.links.get("eu").get(to).port()));
      }
      RegionalEngine fresh = RegionalEngine.builder("eu", topologies)
          .weight("ap", 2).weight("eu", 2).weight("us", 1).timeSource(t.clock)
          .exchangeInterval(t.interval).commandTimeout(Duration.ofSeconds(1))
          .autoExchange(false).build();
      t.engines.put("eu", fresh);
      fresh.limiter(RULE);
      // The peers' next round writes what they know (eu's 300 included) back into eu's Redis.
      Poll.until("peers reach the restarted Redis", Duration.ofSeconds(20),
          () -> t.engine("ap").exchangeNow() & t.engine("us").exchangeNow());
      assertThat(fresh.exchangeNow()).isTrue();
      UsageCrdt v = fresh.view(RULE, "client", now);
      assertThat(v.get("eu").admitted()).as("eu's own count, minus the last unsent 50")
          .isEqualTo(300);
      assertThat(v.get("ap").admitted()).isEqualTo(100);
      assertThat(v.get("us").admitted()).isEqualTo(100);
      assertThat(v.get("eu").allocation()).isEqualTo(400);

      // The Redis engine's state for eu is gone; the guard still holds eu to 400 in the epoch,
      // but for the 50 admitted in the exchange that was lost.
      long after = admit(fresh.limiter(RULE), 400, now);
      assertThat(after).isEqualTo(100);
      assertThat(300 + 50 + after).isLessThanOrEqualTo(400 + 50);
    }
  }
}
