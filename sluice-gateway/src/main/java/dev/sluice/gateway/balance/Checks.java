package dev.sluice.gateway.balance;

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
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
