package dev.sluice.gateway.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each balancer against its definition. Seeded tests print their seed; tolerances are stated
 * where a distribution is random.
 */
class BalancerTest {
  private static final LongSupplier FROZEN = () -> 0L;

  private static List<UpstreamHost> hosts(int... weights) {
    List<UpstreamHost> out = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      out.add(new UpstreamHost("10.0.0." + (i + 1) + ":80", weights[i], 0, 0));
    }
    return out;
  }

  private static Balancer create(BalancerKind kind, List<UpstreamHost> hosts, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return Balancer.create(kind, hosts, FROZEN, () -> r);
  }

  @Test
  void roundRobin_givesEachHostExactlyItsTurn() {
    List<UpstreamHost> hs = hosts(1, 5, 1);
    Balancer b = create(BalancerKind.ROUND_ROBIN, hs, 0);
    Map<UpstreamHost, Integer> n = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      n.merge(b.pick(hs, null), 1, Integer::sum);
    }
    assertThat(n.values()).containsOnly(1000);
  }

  @Test
  void weightedRoundRobin_isSmoothAsNginx() {
    List<UpstreamHost> hs = hosts(5, 1, 1);
    Balancer b = create(BalancerKind.WEIGHTED_ROUND_ROBIN, hs, 0);
    StringBuilder seq = new StringBuilder();
    for (int i = 0; i < 7; i++) {
      seq.append((char) ('a' + hs.indexOf(b.pick(hs, null))));
    }
    assertThat(seq).hasToString("aabacaa"); // nginx's documented sequence for 5, 1, 1
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void weightedRoundRobin_givesExactWeightSharesPerCycleOverChangingSubsets(long seed) {
    System.out.println("weightedRoundRobin seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int[] w = new int[4];
    for (int i = 0; i < w.length; i++) {
      w[i] = 1 + r.nextInt(9);
    }
    List<UpstreamHost> hs = hosts(w);
    Balancer b = create(BalancerKind.WEIGHTED_ROUND_ROBIN, hs, seed);
    int total = 0;
    for (int x : w) {
      total += x;
    }
    Map<UpstreamHost, Integer> n = new HashMap<>();
    for (int cycle = 0; cycle < 100; cycle++) {
      for (int i = 0; i < total; i++) {
        n.merge(b.pick(hs, null), 1, Integer::sum);
      }
    }
    for (int i = 0; i < w.length; i++) {
      assertThat(n.get(hs.get(i))).as("host %d of weights %s", i, java.util.Arrays.toString(w))
          .isEqualTo(100 * w[i]);
    }
    // A host leaving the usable set: the others share its traffic by weight.
    List<UpstreamHost> three = hs.subList(1, 4);
    Map<UpstreamHost, Integer> m = new HashMap<>();
    int rest = total - w[0];
    for (int i = 0; i < rest * 100; i++) {
      m.merge(b.pick(three, null), 1, Integer::sum);
    }
    for (int i = 1; i < 4; i++) {
      assertThat(m.get(hs.get(i))).isBetween(100 * w[i] - 1, 100 * w[i] + 1);
    }
  }

  @Test
  void slowStart_rampsTheWeightOfARecoveredHost() {
    long[] now = {0};
    UpstreamHost a = new UpstreamHost("a:80", 1, 0, 0);
    UpstreamHost b = new UpstreamHost("b:80", 1, 10_000, 0);
    List<UpstreamHost> hs = List.of(a, b);
    Balancer bal = Balancer.create(BalancerKind.WEIGHTED_ROUND_ROBIN, hs, () -> now[0],
        () -> new SplittableRandom(0));
    int toB = 0;
    for (int i = 0; i < 1100; i++) {
      toB += bal.pick(hs, null) == b ? 1 : 0; // b at 10% of its weight: 1/11 of picks
    }
    assertThat(toB).isEqualTo(100);
    now[0] = 10_000;
    toB = 0;
    for (int i = 0; i < 1000; i++) {
      toB += bal.pick(hs, null) == b ? 1 : 0;
    }
    assertThat(toB).isBetween(499, 501);
  }

  /** Least-loaded balancers: every pick has the least score among the usable hosts. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void leastLoaded_alwaysPicksAHostWithTheLeastScore(long seed) {
    System.out.println("leastLoaded seed " + seed);
    for (BalancerKind kind : List.of(BalancerKind.LEAST_CONNECTIONS,
        BalancerKind.WEIGHTED_LEAST_CONNECTIONS, BalancerKind.LEAST_RESPONSE_TIME)) {
      SplittableRandom r = new SplittableRandom(seed);
      List<UpstreamHost> hs = hosts(1, 2, 3, 4);
      for (UpstreamHost h : hs) {
        h.recordLatency(1_000_000L * (1 + r.nextInt(20)));
      }
      Balancer b = create(kind, hs, seed);
      List<UpstreamHost> open = new ArrayList<>();
      for (int step = 0; step < 5000; step++) {
        if (!open.isEmpty() && r.nextInt(3) == 0) {
          open.remove(r.nextInt(open.size())).end(1_000_000L * (1 + r.nextInt(20)));
          continue;
        }
        UpstreamHost picked = b.pick(hs, null);
        double best = Double.MAX_VALUE;
        for (UpstreamHost h : hs) {
          best = Math.min(best, score(kind, h));
        }
        assertThat(score(kind, picked)).as("%s step %d", kind, step).isEqualTo(best);
        picked.begin();
        open.add(picked);
      }
    }
  }

  private static double score(BalancerKind kind, UpstreamHost h) {
    return switch (kind) {
      case LEAST_CONNECTIONS -> h.inFlight();
      case WEIGHTED_LEAST_CONNECTIONS -> (h.inFlight() + 1) / (double) h.weight();
      default -> (double) h.latencyEwmaNanos() * (h.inFlight() + 1);
    };
  }

  @Test
  void leastConnections_sharesEqualHostsEvenly() {
    List<UpstreamHost> hs = hosts(1, 1, 1);
    Balancer b = create(BalancerKind.LEAST_CONNECTIONS, hs, 0);
    Map<UpstreamHost, Integer> n = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      n.merge(b.pick(hs, null), 1, Integer::sum); // nothing in flight: the ties rotate
    }
    assertThat(n.values()).containsOnly(1000);
  }

  @Test
  void weightedLeastConnections_fillsHostsInProportionToWeight() {
    List<UpstreamHost> hs = hosts(1, 3);
    Balancer b = create(BalancerKind.WEIGHTED_LEAST_CONNECTIONS, hs, 0);
    for (int i = 0; i < 400; i++) {
      b.pick(hs, null).begin(); // nothing ever ends: in-flight tracks weight
    }
    assertThat(hs.get(0).inFlight()).isBetween(99, 101);
    assertThat(hs.get(1).inFlight()).isBetween(299, 301);
  }

  @Test
  void leastResponseTime_sendsTheLoadToTheFasterHost() {
    List<UpstreamHost> hs = hosts(1, 1);
    hs.get(0).recordLatency(1_000_000);
    hs.get(1).recordLatency(4_000_000);
    Balancer b = create(BalancerKind.LEAST_RESPONSE_TIME, hs, 0);
    for (int i = 0; i < 500; i++) {
      b.pick(hs, null).begin();
    }
    // Queues grow until the expected waits meet: in-flight + 1 in the ratio 4 : 1.
    assertThat((hs.get(0).inFlight() + 1) / (double) (hs.get(1).inFlight() + 1))
        .isBetween(3.9, 4.1);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23})
  void powerOfTwoChoices_spreadsEvenlyAndKeepsQueuesCloserThanOneRandomChoice(long seed) {
    System.out.println("powerOfTwoChoices seed " + seed);
    List<UpstreamHost> hs = hosts(1, 1, 1, 1, 1);
    Balancer b = create(BalancerKind.POWER_OF_TWO_CHOICES, hs, seed);
    SplittableRandom pickOne = new SplittableRandom(seed + 1);
    Balancer oneChoice = (usable, key) -> usable.get(pickOne.nextInt(usable.size()));
    int[] n = new int[hs.size()];
    int spread = maxSpread(b, hs, seed, n);
    int baseline = maxSpread(oneChoice, hosts(1, 1, 1, 1, 1), seed, new int[hs.size()]);
    System.out.printf("powerOfTwoChoices seed %d: max in-flight spread %d, one random choice "
        + "%d%n", seed, spread, baseline);
    // Tolerance: each host within 5% of an even share of 20 000.
    for (int c : n) {
      assertThat(c).isBetween(3800, 4200);
    }
    assertThat(spread).isLessThan(baseline);
  }

  /** Runs 20 000 picks with 50 requests open, ends random ones; the widest in-flight gap. */
  private static int maxSpread(Balancer b, List<UpstreamHost> hs, long seed, int[] n) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    List<UpstreamHost> open = new ArrayList<>();
    int maxSpread = 0;
    for (int i = 0; i < 20_000; i++) {
      UpstreamHost h = b.pick(hs, null);
      n[hs.indexOf(h)]++;
      h.begin();
      open.add(h);
      if (open.size() > 50) {
        open.remove(r.nextInt(open.size())).end(-1);
      }
      int lo = Integer.MAX_VALUE;
      int hi = 0;
      for (UpstreamHost x : hs) {
        lo = Math.min(lo, x.inFlight());
        hi = Math.max(hi, x.inFlight());
      }
      maxSpread = Math.max(maxSpread, hi - lo);
    }
    return maxSpread;
  }

  @Test
  void powerOfTwoChoices_neverPicksTheBusierOfTwo() {
    List<UpstreamHost> hs = hosts(1, 1);
    hs.get(0).begin();
    hs.get(0).begin();
    Balancer b = create(BalancerKind.POWER_OF_TWO_CHOICES, hs, 5);
    for (int i = 0; i < 100; i++) {
      assertThat(b.pick(hs, null)).isSameAs(hs.get(1));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {31, 32})
  void ipHash_isStickyAndSpreadsKeysEvenly(long seed) {
    System.out.println("ipHash seed " + seed);
    List<UpstreamHost> hs = hosts(1, 1, 1, 1);
    Balancer b = create(BalancerKind.IP_HASH, hs, seed);
    SplittableRandom r = new SplittableRandom(seed);
    Map<UpstreamHost, Integer> n = new HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      String ip = r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "."
          + r.nextInt(256);
      UpstreamHost h = b.pick(hs, ip);
      assertThat(b.pick(hs, ip)).isSameAs(h);
      n.merge(h, 1, Integer::sum);
    }
    // Tolerance: within 5% of 5000 each (the binomial sd is ~61).
    for (UpstreamHost h : hs) {
      assertThat(n.get(h)).isBetween(4750, 5250);
    }
    // A host down: its keys go elsewhere, the others' keys stay.
    List<UpstreamHost> up = hs.subList(1, 4);
    for (int i = 0; i < 1000; i++) {
      String ip = "192.168." + (i / 256) + "." + (i % 256);
      UpstreamHost before = b.pick(hs, ip);
      UpstreamHost after = b.pick(up, ip);
      assertThat(up).contains(after);
      if (before != hs.get(0)) {
        assertThat(after).isSameAs(before);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43})
  void consistentHash_movesOnlyTheLeavingHostsShareOfKeys(long seed) {
    System.out.println("consistentHash seed " + seed);
    int hosts = 5;
    int keys = 20_000;
    List<UpstreamHost> hs = hosts(1, 1, 1, 1, 1);
    Balancer b = create(BalancerKind.CONSISTENT_HASH, hs, seed);
    SplittableRandom r = new SplittableRandom(seed);
    String[] k = new String[keys];
    UpstreamHost[] before = new UpstreamHost[keys];
    Map<UpstreamHost, Integer> n = new HashMap<>();
    for (int i = 0; i < keys; i++) {
      k[i] = "tenant-" + Long.toHexString(r.nextLong());
      before[i] = b.pick(hs, k[i]);
      n.merge(before[i], 1, Integer::sum);
    }
    // Tolerance: 160 virtual nodes per host keep each share within 15% of 1/5.
    for (UpstreamHost h : hs) {
      assertThat(n.get(h)).isBetween((int) (keys / hosts * 0.85), (int) (keys / hosts * 1.15));
    }
    UpstreamHost gone = hs.get(r.nextInt(hosts));
    List<UpstreamHost> rest = new ArrayList<>(hs);
    rest.remove(gone);
    int moved = 0;
    for (int i = 0; i < keys; i++) {
      UpstreamHost after = b.pick(rest, k[i]);
      if (after != before[i]) {
        moved++;
        assertThat(before[i]).as("only keys of the leaving host move").isSameAs(gone);
      }
    }
    double share = (double) moved / keys;
    System.out.printf("consistentHash seed %d: %.4f of keys moved when 1 of %d hosts left "
        + "(ideal %.4f)%n", seed, share, hosts, 1.0 / hosts);
    assertThat(moved).isEqualTo(n.get(gone));
    assertThat(share).isBetween(0.85 / hosts, 1.15 / hosts);
  }

  @Test
  void consistentHash_weightsScaleTheShare() {
    List<UpstreamHost> hs = hosts(1, 3);
    Balancer b = create(BalancerKind.CONSISTENT_HASH, hs, 0);
    int toHeavy = 0;
    for (int i = 0; i < 20_000; i++) {
      toHeavy += b.pick(hs, "k" + i) == hs.get(1) ? 1 : 0;
    }
    assertThat(toHeavy / 20_000.0).isBetween(0.70, 0.80);
  }

  @Test
  void balancers_rejectAnEmptyUsableList() {
    for (BalancerKind kind : BalancerKind.values()) {
      Balancer b = create(kind, hosts(1), 0);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.pick(List.of(), "x"))
          .as(kind.configName()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no usable host");
    }
  }

  @Test
  void kind_namesTheBadValueAndTheKnownOnes() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BalancerKind.of("random"))
        .hasMessageContaining("'random'").hasMessageContaining("power-of-two-choices");
  }
}
