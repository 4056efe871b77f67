package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiterEngine;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The synced engine's bound: 2-6 instances, fixed window or sliding window counter, at most
 * {@link #bound} over the limit per window; Redis holds exactly what was admitted.
 */
class SyncedBoundsTest extends MultiInstanceBoundsContract {

  /**
   * The bound: the shares of one round sum to at most what was left, and an instance that synced
   * late may have based its share on a remainder others had already spent once.
   */
  static long bound(long permits, int instances) {
    return permits / 10 + instances;
  }

  SyncedBoundsTest() {
    super(11, 16, 6, Algorithm.FIXED_WINDOW, Algorithm.SLIDING_WINDOW_COUNTER);
  }

  @Override
  RateLimiterEngine instance(ManualTimeSource clock, String prefix, String id, Setup setup) {
    return SyncedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .timeSource(clock).keyPrefix(prefix).instanceId(id)
        .syncInterval(Duration.ofNanos(setup.intervalMicros() * 1_000))
        .expectedInstances(setup.instances()).commandTimeout(Duration.ofSeconds(5))
        .autoSync(false).build();
  }

  @Override
  boolean round(RateLimiterEngine instance) {
    return ((SyncedEngine) instance).syncNow();
  }

  @Override
  long overAdmission(Setup setup) {
    return bound(setup.limit().permits(), setup.instances());
  }

  @Override
  long roundSkew(SplittableRandom random, long intervalMicros) {
    return 0;
  }

  @Override
  void assertStored(String hash, long admitted, long permits) {
    assertThat(RedisCounts.total(RedisServers.shared(), hash)).as(hash).isEqualTo(admitted);
  }
}
