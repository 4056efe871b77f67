package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.KeyedCheck;
import dev.sluice.Limit;
import dev.sluice.ManualTimeSource;
import dev.sluice.MultiDecision;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Multi-key checks on the leased engine: all or nothing on this instance's leases (a check that
 * one lease cannot pay spends no other lease).
 */
class LeasedMultiKeyTest extends AbstractMultiKeyTest {
  static final Rule USER = Rule.of("lt@user", Limit.fixedWindow(3, Duration.ofMinutes(1)));
  static final Rule ORG = Rule.of("lt@org", Limit.tokenBucket(5, Duration.ofMinutes(1)));

  static LeasedEngine engine(TimeSource time) {
    return LeasedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .timeSource(time).keyPrefix("lmk" + UUID.randomUUID()).maxLeaseFraction(1.0)
        .syncInterval(Duration.ofMillis(10)).autoSync(false).build();
  }

  @Test
  void allOrNothing_aDeniedPartSpendsNoOtherLease() {
    // A data mark a minute old, so that the org's bucket starts full and there is no grace.
    long t0 = 1_700_000_000_000_000L;
    ManualTimeSource clock = TimeSource.manual(t0 - 60_000_000L);
    try (LeasedEngine leased = engine(clock)) {
      assertThat(leased.syncNow()).isTrue();
      clock.set(t0);
      RateLimiter user = leased.limiter(USER);
      RateLimiter org = leased.limiter(ORG);
      long admitted = 0;
      // Alice until her own limit denies: the org lease is spent only with hers.
      MultiDecision last = null;
      for (int i = 0; i < 20; i++) {
        last = leased.checkAll(List.of(KeyedCheck.of(user, "alice", 1),
            KeyedCheck.of(org, "acme", 1)), t0);
        admitted += last.allowed() ? 1 : 0;
        assertThat(leased.syncNow()).isTrue();
      }
      assertThat(admitted).isEqualTo(3);
      assertThat(last.allowed()).isFalse();
      assertThat(last.reported()).isZero();
      long held = leased.stats().leasedPermits();
      assertThat(held).as("the org's lease").isPositive();
      MultiDecision denied = leased.checkAll(List.of(KeyedCheck.of(user, "alice", 1),
          KeyedCheck.of(org, "acme", 1)), t0);
      assertThat(denied.allowed()).isFalse();
      assertThat(leased.stats().leasedPermits()).isEqualTo(held);
      // Bob has no lease yet: denied by his part, and again nothing of the org's is spent.
      assertThat(leased.checkAll(List.of(KeyedCheck.of(user, "bob", 1),
          KeyedCheck.of(org, "acme", 1)), t0).reported()).isZero();
      assertThat(leased.stats().leasedPermits()).isEqualTo(held);
      // Once both hold leases, the org runs out at 5 in all; then the org part denies and bob's
      // lease is not spent.
      for (int i = 0; i < 20; i++) {
        admitted += leased.checkAll(List.of(KeyedCheck.of(user, "bob", 1),
            KeyedCheck.of(org, "acme", 1)), t0).allowed() ? 1 : 0;
        assertThat(leased.syncNow()).isTrue();
      }
      assertThat(admitted).isEqualTo(5);
      long bobs = leased.stats().leasedPermits();
      MultiDecision byOrg = leased.checkAll(List.of(KeyedCheck.of(user, "bob", 1),
          KeyedCheck.of(org, "acme", 1)), t0);
      assertThat(byOrg.allowed()).isFalse();
      assertThat(byOrg.reported()).isEqualTo(1);
      assertThat(leased.stats().leasedPermits()).isEqualTo(bobs);
    }
  }

  @Override
  RateLimiterEngine liveEngine() {
    return LeasedEngine.builder(Topology.standalone(RedisServers.shared().uri()))
        .keyPrefix("lmk" + UUID.randomUUID()).syncInterval(Duration.ofMillis(5))
        .maxLeaseFraction(1.0).build();
  }
}
