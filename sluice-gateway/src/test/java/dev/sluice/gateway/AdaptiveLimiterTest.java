package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.GatewayConfig.Adaptive;
import dev.sluice.gateway.GatewayConfig.Tier;
import dev.sluice.gateway.GatewayConfig.Tiers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tier ceilings of the concurrency limit, and the gradient limit following latency. */
class AdaptiveLimiterTest {
  private static final Tiers TIERS = new Tiers(List.of(new Tier("free", 0.5),
      new Tier("pro", 0.8), new Tier("premium", 1.0)), null, Map.of(), "free");

  @Test
  void eachTierIsAdmittedOnlyBelowItsShareOfTheLimit() {
    AdaptiveLimiter l = AdaptiveLimiter.create(new Adaptive("fixed", 10, 1, 100), TIERS);
    for (int i = 0; i < 5; i++) {
      assertThat(l.tryAcquire(0)).isEqualTo(i);
    }
    assertThat(l.tryAcquire(0)).isEqualTo(-1); // free: 50% of 10
    assertThat(l.tryAcquire(1)).isEqualTo(5);
    assertThat(l.tryAcquire(1)).isEqualTo(6);
    assertThat(l.tryAcquire(1)).isEqualTo(7);
    assertThat(l.tryAcquire(1)).isEqualTo(-1); // pro: 80%
    assertThat(l.tryAcquire(2)).isEqualTo(8);
    assertThat(l.tryAcquire(2)).isEqualTo(9);
    assertThat(l.tryAcquire(2)).isEqualTo(-1); // premium: the whole limit
    l.release(0, 1_000_000, 9, false);
    assertThat(l.inFlight()).isEqualTo(9);
    assertThat(l.tryAcquire(2)).isEqualTo(9);
  }

  @Test
  void gradient2_lowersTheLimitWhenLatencyRises() {
    AdaptiveLimiter l = AdaptiveLimiter.create(new Adaptive("gradient2", 50, 1, 200), TIERS);
    // Samples report 190 in flight: Gradient2 leaves the limit alone while the application
    // uses less than half of it.
    long t = 0;
    for (int i = 0; i < 500; i++) {
      l.tryAcquire(2);
      l.release(t, 1_000_000, 190, false); // 1 ms while quiet
      t += 1_000_000;
    }
    int quiet = l.limit();
    for (int i = 0; i < 50; i++) {
      l.tryAcquire(2);
      l.release(t, 20_000_000, 190, false); // 20 ms: queueing upstream
      t += 1_000_000;
    }
    System.out.println("gradient2 limit: " + quiet + " while quiet, " + l.limit()
        + " when latency rose 20x");
    assertThat(l.limit()).isLessThan(quiet);
  }
}
