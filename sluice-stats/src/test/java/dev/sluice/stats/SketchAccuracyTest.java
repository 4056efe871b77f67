package dev.sluice.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.rules.decide.DecisionCounters.ClientTally;
import dev.sluice.rules.decide.DecisionCounters.Kind;
import dev.sluice.stats.RuleSnapshot.TopClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sketches against exact counts on a generated, seeded workload: a skewed (power-law) choice
 * among 50,000 clients, costs 1-3, heavy clients denied more often, spread over one period.
 * Every estimate must lie within the bounds it states, every client heavier than the stated
 * error must be found, and the unique-client estimate must be within three standard errors.
 */
class SketchAccuracyTest {
  static final int CLIENTS = 50_000;
  static final int EVENTS = 400_000;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 20261202})
  void estimates_lieWithinTheirStatedBounds_againstExactCounts(long seed) {
    System.out.println("SketchAccuracyTest seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    AtomicLong now = new AtomicLong(1_800_000_000_000L);
    now.set(now.get() - now.get() % 60_000); // start of a slice: one period holds everything
    TrafficStats stats = TrafficStats.create(SketchConfig.DEFAULTS, now::get);
    ClientTally t = stats.traffic("r");
    Map<String, Long> requested = new HashMap<>();
    Map<String, Long> denied = new HashMap<>();
    long step = 59_000L * 1000 / EVENTS; // microseconds per event: all within 59 s
    long micros = 0;
    for (int i = 0; i < EVENTS; i++) {
      double u = rnd.nextDouble();
      int c = (int) (CLIENTS * u * u * u * u);
      String client = "ip:10.0." + (c >> 8) + "." + (c & 255);
      long cost = 1 + rnd.nextInt(3);
      boolean deny = rnd.nextDouble() < (c < 100 ? 0.6 : 0.05);
      Kind kind = deny ? (rnd.nextInt(4) == 0 ? Kind.SHADOW_DENIED : Kind.DENIED) : Kind.ALLOWED;
      micros += step;
      now.set(now.get() - now.get() % 60_000 + micros / 1000);
      t.decided(client, cost, kind);
      requested.merge(client, cost, Long::sum);
      if (deny) {
        denied.merge(client, cost, Long::sum);
      }
    }
    RuleSnapshot s = stats.snapshot("r", Duration.ofSeconds(60), 1000).orElseThrow();
    long totalRequested = requested.values().stream().mapToLong(Long::longValue).sum();
    long totalDenied = denied.values().stream().mapToLong(Long::longValue).sum();
    assertThat(s.requestedTotal()).isEqualTo(totalRequested);
    assertThat(s.deniedTotal()).isEqualTo(totalDenied);

    check("requested", s.requestedMost(), requested, totalRequested);
    check("denied", s.deniedMost(), denied, totalDenied);

    double exact = requested.size();
    double est = s.uniqueClients().estimate();
    double rel = Math.abs(est - exact) / exact;
    double rse = 1.04 / Math.sqrt(1 << SketchConfig.DEFAULTS.hllLgK());
    System.out.printf("  unique clients: exact %d, estimate %.0f [%.0f, %.0f], error %.2f %%"
        + " (RSE %.2f %%)%n", requested.size(), est, s.uniqueClients().lower(),
        s.uniqueClients().upper(), 100 * rel, 100 * rse);
    assertThat(rel).as("HLL relative error").isLessThanOrEqualTo(3 * rse);
  }

  private static void check(String what, RuleSnapshot.TopList top, Map<String, Long> exact,
      long total) {
    long bound = (long) Math.ceil(3.5 / SketchConfig.DEFAULTS.topCapacity() * total);
    assertThat(top.maxError()).as(what + " max error vs 3.5/capacity of the total")
        .isLessThanOrEqualTo(bound);
    long worst = 0;
    for (TopClient c : top.clients()) {
      long truth = exact.getOrDefault(c.client(), 0L);
      assertThat(truth).as(what + " " + c.client()).isBetween(c.lower(), c.upper());
      assertThat(Math.abs(c.estimate() - truth)).isLessThanOrEqualTo(top.maxError());
      worst = Math.max(worst, Math.abs(c.estimate() - truth));
    }
    List<String> listed = top.clients().stream().map(TopClient::client).toList();
    List<Map.Entry<String, Long>> heavy = exact.entrySet().stream()
        .filter(e -> e.getValue() > top.maxError()).toList();
    assertThat(listed).as(what + ": every client heavier than the error is found")
        .containsAll(heavy.stream().map(Map.Entry::getKey).toList());
    List<Map.Entry<String, Long>> byCount = exact.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
    List<String> exactTop10 = byCount.stream().limit(10).map(Map.Entry::getKey).toList();
    long overlap = listed.stream().limit(10).filter(exactTop10::contains).count();
    // Estimates never undercount, so a client listed in the top 10 is at most maxError below
    // the true tenth: the ranking is right up to the stated error.
    long tenth = byCount.get(9).getValue();
    for (TopClient c : top.clients().subList(0, 10)) {
      assertThat(exact.get(c.client())).as(what + " listed " + c.client())
          .isGreaterThanOrEqualTo(tenth - top.maxError());
    }
    System.out.printf("  %s: total %d, %d distinct, stated max error %d (%.3f %% of total; "
        + "a priori bound %d), worst measured error %d, top-10 overlap %d/10%n", what, total,
        exact.size(), top.maxError(), 100.0 * top.maxError() / total, bound, worst, overlap);
  }
}
