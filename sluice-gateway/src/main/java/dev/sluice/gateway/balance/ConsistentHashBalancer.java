package dev.sluice.gateway.balance;

import java.util.Arrays;
import java.util.List;

/**
 * A hash ring with virtual nodes: each host owns {@code vnodesPerWeight × weight} points
 * (hashes of {@code "host:port#i"}); a key goes to the owner of the first point at or after its
 * hash, skipping hosts that are not usable. When a host leaves only the keys it owned move (to
 * the next points' owners); every other key stays put.
 *
 * <p>Immutable after construction; lookups are a binary search plus a walk past unusable
 * owners.
 */
final class ConsistentHashBalancer implements Balancer {
  /** Points per unit of weight: enough for a few percent of imbalance with a handful of hosts. */
  static final int VNODES_PER_WEIGHT = 160;

  private final long[] points;
  private final UpstreamHost[] owners;

  ConsistentHashBalancer(List<UpstreamHost> hosts, int vnodesPerWeight) {
    int total = 0;
    for (UpstreamHost h : hosts) {
      total += h.weight() * vnodesPerWeight;
    }
    long[] p = new long[total];
    UpstreamHost[] o = new UpstreamHost[total];
    int k = 0;
    for (UpstreamHost h : hosts) {
      for (int i = 0; i < h.weight() * vnodesPerWeight; i++) {
        p[k] = Checks.hash64(h.authority() + "#" + i);
        o[k] = h;
        k++;
      }
    }
    Integer[] order = new Integer[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(p[a], p[b]));
    points = new long[total];
    owners = new UpstreamHost[total];
    for (int i = 0; i < total; i++) {
      points[i] = p[order[i]];
      owners[i] = o[order[i]];
    }
  }

  @Override
  public UpstreamHost pick(List<UpstreamHost> usable, String hashKey) {
    Checks.nonEmpty(usable);
    long h = Checks.hash64(hashKey == null ? "" : hashKey);
    int i = Arrays.binarySearch(points, h);
    if (i < 0) {
      i = -i - 1;
    }
    UpstreamHost last = null;
    for (int step = 0; step < points.length; step++) {
      UpstreamHost c = owners[(i + step) % points.length];
      if (c != last && usable.contains(c)) {
        return c;
      }
      last = c;
    }
    return usable.get(0);
  }
}
