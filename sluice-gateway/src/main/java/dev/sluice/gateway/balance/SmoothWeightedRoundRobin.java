package dev.sluice.gateway.balance;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * nginx's smooth weighted round-robin: on each pick every usable host's current weight grows by
 * its effective weight, the largest is chosen and lowered by the total. Over any cycle of
 * {@code Σ weights} picks each host is chosen exactly {@code weight} times, interleaved (weights
 * 5, 1, 1 give a a b a c a a).
 */
final class SmoothWeightedRoundRobin implements Balancer {
  private final Map<UpstreamHost, double[]> current = new IdentityHashMap<>();
  private final LongSupplier clock;

  SmoothWeightedRoundRobin(List<UpstreamHost> hosts, LongSupplier clock) {
    this.clock = clock;
    for (UpstreamHost h : hosts) {
      current.put(h, new double[1]);
    }
  }

  @Override
  public synchronized UpstreamHost pick(List<UpstreamHost> usable, String hashKey) {
    Checks.nonEmpty(usable);
    long now = clock.getAsLong();
    double total = 0;
    UpstreamHost best = null;
    double[] bestCurrent = null;
    for (UpstreamHost h : usable) {
      double[] c = current.computeIfAbsent(h, k -> new double[1]);
      double w = h.effectiveWeight(now);
      c[0] += w;
      total += w;
      if (best == null || c[0] > bestCurrent[0]) {
        best = h;
        bestCurrent = c;
      }
    }
    bestCurrent[0] -= total;
    return best;
  }
}
