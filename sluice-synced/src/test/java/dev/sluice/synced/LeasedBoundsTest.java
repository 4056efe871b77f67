package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiterEngine;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The leased engine's bound, none: 2-7 instances with random lease caps, fixed window or token
 * bucket, rounds out of time order (each instance's clock behind by its own skew), never over
 * the limit; the pools' spent counts are exactly what was admitted, and spent plus held never
 * exceeds the limit.
 */
class LeasedBoundsTest extends MultiInstanceBoundsContract {

  LeasedBoundsTest() {
    super(21, 28, 7, Algorithm.FIXED_WINDOW, Algorithm.TOKEN_BUCKET);
  }

  @Override
  RateLimiterEngine instance(ManualTimeSource clock, String prefix, String id, Setup setup) {
    return LeasedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .timeSource(clock).keyPrefix(prefix).instanceId(id)
        .syncInterval(Duration.ofNanos(setup.intervalMicros() * 1_000))
        .maxLeaseFraction(setup.leaseFraction()).commandTimeout(Duration.ofSeconds(5))
        .autoSync(false).build();
  }

  @Override
  boolean round(RateLimiterEngine instance) {
    return ((LeasedEngine) instance).syncNow();
  }

  @Override
  long overAdmission(Setup setup) {
    return 0;
  }

  @Override
  long roundSkew(SplittableRandom random, long intervalMicros) {
    return random.nextLong(intervalMicros / 2);
  }

  @Override
  void assertStored(String hash, long admitted, long permits) {
    long spent = field(hash, "s:");
    long held = field(hash, "h:");
    assertThat(spent).as(hash).isEqualTo(admitted);
    assertThat(spent + held).as(hash).isLessThanOrEqualTo(permits);
  }

  /** The sum of a pool's fields whose names start with {@code prefix}. */
  private static long field(String pool, String prefix) {
    List<?> flat = (List<?>) RedisServers.shared().call("HGETALL", pool);
    long sum = 0;
    for (int i = 0; i < flat.size(); i += 2) {
      if (flat.get(i).toString().startsWith(prefix)) {
        sum += Long.parseLong(flat.get(i + 1).toString());
      }
    }
    return sum;
  }
}
