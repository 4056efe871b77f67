package dev.sluice.gateway.balance;

import dev.sluice.spi.Hashing;
import java.util.List;

/** Argument checks shared by the balancers. */
final class Checks {
  private Checks() {}

  static void nonEmpty(List<UpstreamHost> usable) {
    if (usable.isEmpty()) {
      throw new IllegalArgumentException("no usable host to pick from");
    }
  }

  /** A 64-bit hash of {@code s} (FNV-1a, then a murmur3 finaliser to spread the low bits). */
  static long hash64(String s) {
    return Hashing.fmix64(Hashing.fnv1a64(s));
  }
}
