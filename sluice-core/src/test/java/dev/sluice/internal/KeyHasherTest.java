package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyHasherTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 1234567})
  void hashOfLong_equalsHashOfItsDecimalString(long seed) {
    KeyHasher hasher = new KeyHasher();
    SplittableRandom random = new SplittableRandom(seed);
    long[] fixed = {0, 1, -1, 9, 10, 99, 100, 1234, 12345, Long.MAX_VALUE, Long.MIN_VALUE,
        Long.MIN_VALUE + 1, -1000, 99999999};
    for (long k : fixed) {
      assertThat(hasher.hash(k)).as("key %d", k).isEqualTo(hasher.hash(Long.toString(k)));
    }
    for (int i = 0; i < 10_000; i++) {
      long k = random.nextLong() >> random.nextInt(64);
      assertThat(hasher.hash(k)).as("seed %d key %d", seed, k)
          .isEqualTo(hasher.hash(Long.toString(k)));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 8})
  void distinctKeys_getDistinctNonZeroHashes(long seed) {
    KeyHasher hasher = new KeyHasher();
    SplittableRandom random = new SplittableRandom(seed);
    Set<Long> hashes = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String key = "user-" + random.nextInt(1_000_000_000) + "-" + (char) ('a' + i % 26);
      if (keys.add(key)) {
        long h = hasher.hash(key);
        assertThat(h).isNotZero();
        hashes.add(h);
      }
    }
    assertThat(hashes).hasSameSizeAs(keys);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11})
  void differentProcessKeys_hashDifferently(long seed) {
    KeyHasher a = new KeyHasher(seed, 1);
    KeyHasher b = new KeyHasher(seed, 2);
    assertThat(a.hash("alice")).isNotEqualTo(b.hash("alice"));
    assertThat(a.hash("alice")).isEqualTo(new KeyHasher(seed, 1).hash("alice"));
  }

  /**
   * The hash against SipHash-1-3 written from its definition, over the 64-bit words
   * the class comment describes (four UTF-16 units a word, last character first; the final word
   * holds the 0 to 3 left and the length in its top byte): every length from 0 to 40, any chars.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {7, 8, 9})
  void hash_isSipHash13OfThePackedWords(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    for (int n = 0; n < 2_000; n++) {
      long k0 = r.nextLong();
      long k1 = r.nextLong();
      StringBuilder key = new StringBuilder();
      int len = n % 41;
      for (int i = 0; i < len; i++) {
        key.append(r.nextBoolean() ? (char) ('a' + r.nextInt(26)) : (char) r.nextInt(65_536));
      }
      long[] words = new long[len / 4 + 1];
      for (int w = 0; w < len / 4; w++) {
        for (int j = 0; j < 4; j++) {
          words[w] |= (long) key.charAt(len - 1 - 4 * w - j) << (16 * j);
        }
      }
      long last = (long) len << 56;
      for (int j = 0; j < len % 4; j++) {
        last |= (long) key.charAt(len % 4 - 1 - j) << (16 * j);
      }
      words[len / 4] = last;
      long expected = sipHash13(k0, k1, words);
      assertThat(new KeyHasher(k0, k1).hash(key))
          .as("seed %d key of %d chars", seed, len).isEqualTo(expected == 0 ? 1 : expected);
    }
  }

  private static long sipHash13(long k0, long k1, long[] words) {
    long[] v = {k0 ^ 0x736f6d6570736575L, k1 ^ 0x646f72616e646f6dL, k0 ^ 0x6c7967656e657261L,
        k1 ^ 0x7465646279746573L};
    for (long m : words) {
      v[3] ^= m;
      sipRound(v);
      v[0] ^= m;
    }
    v[2] ^= 0xff;
    for (int d = 0; d < 3; d++) {
      sipRound(v);
    }
    return v[0] ^ v[1] ^ v[2] ^ v[3];
  }

  private static void sipRound(long[] v) {
    v[0] += v[1];
    v[1] = Long.rotateLeft(v[1], 13) ^ v[0];
    v[0] = Long.rotateLeft(v[0], 32);
    v[2] += v[3];
    v[3] = Long.rotateLeft(v[3], 16) ^ v[2];
    v[0] += v[3];
    v[3] = Long.rotateLeft(v[3], 21) ^ v[0];
    v[2] += v[1];
    v[1] = Long.rotateLeft(v[1], 17) ^ v[2];
    v[2] = Long.rotateLeft(v[2], 32);
  }
}
