package dev.sluice.internal;

import java.security.SecureRandom;

/**
 * SipHash-1-3 of client keys under a per-process random 128-bit key, so that nobody outside the
 * process can craft keys that collide, in the table index or in the stored 64-bit hash.
 *
 * <p>A key's UTF-16 code units are packed four to a 64-bit word, read from the last character to
 * the first: that order lets a {@code long} key be hashed as its decimal string, least significant
 * digit first, without formatting it. Both entry points therefore agree: {@code hash(42L)} equals
 * {@code hash("42")}. The result is never 0 (0 marks an empty table row).
 *
 * <p>Thread-safe and allocation-free. The SipRound is written out inline where it is used: it
 * updates four local words, which no method can return without allocating, and this is every
 * check's hot path.
 */
public final class KeyHasher {
  private final long k0;
  private final long k1;

  /** A hasher under a fresh random key. */
  public KeyHasher() {
    SecureRandom random = new SecureRandom();
    this.k0 = random.nextLong();
    this.k1 = random.nextLong();
  }

  /** A hasher under a fixed key (tests only: fixed keys give up collision resistance). */
  public KeyHasher(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /** The hash of a string key. */
  public long hash(CharSequence key) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    int len = key.length();
    int i = len - 1;
    while (i >= 3) {
      long m = key.charAt(i) | (long) key.charAt(i - 1) << 16
          | (long) key.charAt(i - 2) << 32 | (long) key.charAt(i - 3) << 48;
      i -= 4;
      v3 ^= m;
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
      v0 ^= m;
    }
    long last = (long) len << 56;
    for (int shift = 0; i >= 0; i--, shift += 16) {
      last |= (long) key.charAt(i) << shift;
    }
    return finish(v0, v1, v2, v3, last);
  }

  /** The hash of a numeric key: equal to {@code hash(Long.toString(key))}. */
  public long hash(long key) {
    long v0 = k0 ^ 0x736f6d6570736575L;
    long v1 = k1 ^ 0x646f72616e646f6dL;
    long v2 = k0 ^ 0x6c7967656e657261L;
    long v3 = k1 ^ 0x7465646279746573L;
    // Digits least significant first, which is the order hash(CharSequence) reads characters in.
    long v = key;
    boolean negative = v < 0;
    int len = 0;
    long word = 0;
    int inWord = 0;
    boolean more = true;
    while (more) {
      long ch;
      if (v != 0 || len == 0) {
        ch = '0' + Math.abs(v % 10);
        v /= 10;
        more = v != 0 || negative;
      } else {
        ch = '-';
        negative = false;
        more = false;
      }
      len++;
      word |= ch << (16 * inWord);
      if (++inWord == 4) {
        v3 ^= word;
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= word;
        word = 0;
        inWord = 0;
      }
    }
    return finish(v0, v1, v2, v3, word | (long) len << 56);
  }

  private static long finish(long v0, long v1, long v2, long v3, long last) {
    v3 ^= last;
    v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
    v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
    v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
    v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    v0 ^= last;
    v2 ^= 0xff;
    for (int r = 0; r < 3; r++) {
      v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
      v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
      v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
      v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
    }
    long h = v0 ^ v1 ^ v2 ^ v3;
    return h == 0 ? 1 : h;
  }
}
