package dev.sluice.regions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Slow links between regions (latency added at the TCP proxies) slow the exchange, or stop it
 * when they exceed the timeout, but never a check: checks read only the region's own Redis,
 * are never degraded, and every region stays within its allocation.
 */
class SlowLinkTest {
  private static final Rule RULE = Rule.of("slow", Limit.fixedWindow(1000,
      Duration.ofMinutes(1)));

  @Test
  void slowLinks_delayTheExchangeOnly_checksStayFastAndWithinTheAllocations() {
    try (ThreeRegions t = new ThreeRegions(Duration.ofMillis(100), Duration.ofMillis(200),
        b -> b.rebalance(true))) {
      long now = t.clock.nowMicros();
      for (String r : ThreeRegions.NAMES) {
        t.engine(r).limiter(RULE).check("c", 1, now);
      }
      assertThat(t.exchangeAll()).isTrue();
      // 60 ms each way: an exchange takes two round trips of 120 ms, within the 200 ms timeout.
      t.latency(Duration.ofMillis(60));
      long total = 0;
      long slowest = 0;
      for (int round = 0; round < 4; round++) {
        for (String r : ThreeRegions.NAMES) {
          for (int i = 0; i < 150; i++) {
            long t0 = System.nanoTime();
            Decision d = t.engine(r).limiter(RULE).check("c", 1, now);
            slowest = Math.max(slowest, System.nanoTime() - t0);
            assertThat(d.degraded()).isFalse();
            if (d.allowed()) {
              total++;
            }
          }
        }
        long e0 = System.nanoTime();
        assertThat(t.exchangeAll()).as("exchange over slow links, round %d", round).isTrue();
        // Each of the three instances waited for at least its round trips to the peers.
        assertThat(System.nanoTime() - e0).isGreaterThanOrEqualTo(3 * 120_000_000L);
      }
      // No check went through a slow link (that would take at least one 120 ms round trip).
      assertThat(slowest).as("slowest check, ns").isLessThan(120_000_000L);
      assertThat(total + 3).isLessThanOrEqualTo(1000);
      UsageCrdt v = t.engine("us").view(RULE, "c", now);
      assertThat(v.admitted()).isEqualTo(total + 3);

      // 300 ms each way: beyond the timeout, the exchange fails — a partition — checks go on.
      t.latency(Duration.ofMillis(300));
      assertThat(t.exchangeAll()).isFalse();
      for (String r : ThreeRegions.NAMES) {
        long t0 = System.nanoTime();
        Decision d = t.engine(r).limiter(RULE).check("c", 1, now);
        assertThat(System.nanoTime() - t0).isLessThan(300_000_000L);
        assertThat(d.degraded()).isFalse();
        assertThat(d.limit()).isEqualTo(r.equals("us") ? 200 : 400);
        assertThat(t.engine(r).stats().regions()).filteredOn(x -> !x.own())
            .allSatisfy(x -> assertThat(x.partitioned()).isTrue());
      }
    }
  }
}
