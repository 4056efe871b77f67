package dev.sluice.gateway.balance;

import dev.sluice.spi.Hashing;
import java.util.List;

/**
 * nginx's ip-hash: the key's hash modulo the number of hosts picks a host of the full list; when
 * that host is not usable the hash is rehashed, up to 20 times, then the first usable host after
 * it is taken. Adding or removing a host remaps most keys (use consistent-hash where that
 * matters); weights are ignored.
 */
final class IpHash implements Balancer {
  private static final int REHASHES = 20;
  private final List<UpstreamHost> all;

  IpHash(List<UpstreamHost> all) {
    this.all = List.copyOf(all);
  }

  @Override
  public UpstreamHost pick(List<UpstreamHost> usable, String hashKey) {
    Checks.nonEmpty(usable);
    long h = Checks.hash64(hashKey == null ? "" : hashKey);
    int n = all.size();
    for (int i = 0; i < REHASHES; i++) {
      UpstreamHost c = all.get((int) Math.floorMod(h, (long) n));
      if (usable.contains(c)) {
        return c;
      }
      h = Hashing.fmix64(h + i + 1);
    }
    int at = all.indexOf(all.get((int) Math.floorMod(h, (long) n)));
    for (int i = 1; i <= n; i++) {
      UpstreamHost c = all.get((at + i) % n);
      if (usable.contains(c)) {
        return c;
      }
    }
    return usable.get(0);
  }
}
