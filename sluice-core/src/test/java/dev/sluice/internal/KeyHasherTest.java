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
}
