package dev.sluice.spi;

/**
 * The non-cryptographic 64-bit hashes Sluice places keys with (consistent-hash rings, hash
 * balancing, distinct-key sketches), so that every module computes them alike. Not for client
 * keys in shared tables: anyone can craft collisions (the in-memory engine keys its tables with a
 * secret-keyed SipHash instead). Stateless and thread-safe.
 */
public final class Hashing {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private Hashing() {}

  /** 64-bit FNV-1a over the UTF-16 code units of {@code s} (no encoding, no allocation). */
  public static long fnv1a64(CharSequence s) {
    long h = FNV_OFFSET;
    for (int i = 0, n = s.length(); i < n; i++) {
      h = (h ^ s.charAt(i)) * FNV_PRIME;
    }
    return h;
  }

  /** 64-bit FNV-1a over {@code bytes}, each taken unsigned. */
  public static long fnv1a64(byte[] bytes) {
    long h = FNV_OFFSET;
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * FNV_PRIME;
    }
    return h;
  }

  /**
   * MurmurHash3's 64-bit finaliser (fmix64): a bijection that spreads every input bit over the
   * whole word, for hashes such as FNV-1a whose low bits are weak.
   */
  public static long fmix64(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
