package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Spread and movement of the consistent-hash ring, measured on 200,000 keys. */
class ConsistentHashRingTest {
  static final int KEYS = 200_000;

  private static ConsistentHashRing<String> ring(List<String> names, int[] weights) {
    return new ConsistentHashRing<>(names, names, weights, 160);
  }

  private static Map<String, Integer> spread(ConsistentHashRing<String> ring) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      counts.merge(ring.nodeFor("user:" + i), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void equalWeights_spreadKeysWithinTenPercentOfEven() {
    List<String> names = List.of("a", "b", "c", "d");
    Map<String, Integer> counts = spread(ring(names, new int[] {1, 1, 1, 1}));
    System.out.println("ring spread, 4 equal shards, " + KEYS + " keys: " + counts);
    for (String n : names) {
      assertThat(counts.get(n)).isBetween((int) (KEYS / 4 * 0.9), (int) (KEYS / 4 * 1.1));
    }
  }

  @Test
  void weights_shareKeysInProportion() {
    List<String> names = List.of("small", "big");
    Map<String, Integer> counts = spread(ring(names, new int[] {1, 3}));
    System.out.println("ring spread, weights 1:3: " + counts);
    double share = counts.get("big") / (double) KEYS;
    assertThat(share).isBetween(0.70, 0.80);
  }

  @Test
  void addingAFifthShard_movesAboutAFifthOfTheKeys_onlyToIt() {
    List<String> four = List.of("a", "b", "c", "d");
    List<String> five = List.of("a", "b", "c", "d", "e");
    ConsistentHashRing<String> before = ring(four, new int[] {1, 1, 1, 1});
    ConsistentHashRing<String> after = ring(five, new int[] {1, 1, 1, 1, 1});
    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      String k = "user:" + i;
      String was = before.nodeFor(k);
      String is = after.nodeFor(k);
      if (!was.equals(is)) {
        moved++;
        assertThat(is).as("a moved key goes to the new shard").isEqualTo("e");
      }
    }
    double fraction = moved / (double) KEYS;
    System.out.printf("ring: adding a 5th shard moved %.4f of keys (ideal 0.2000)%n", fraction);
    assertThat(fraction).isBetween(0.16, 0.24);
  }

  @Test
  void removingAShard_movesOnlyItsKeys() {
    List<String> four = List.of("a", "b", "c", "d");
    List<String> three = List.of("a", "b", "d");
    ConsistentHashRing<String> before = ring(four, new int[] {1, 1, 1, 1});
    ConsistentHashRing<String> after = ring(three, new int[] {1, 1, 1});
    long moved = IntStream.range(0, KEYS).filter(i -> {
      String k = "user:" + i;
      String was = before.nodeFor(k);
      String is = after.nodeFor(k);
      if (!was.equals("c")) {
        assertThat(is).isEqualTo(was);
      }
      return !was.equals(is);
    }).count();
    double fraction = moved / (double) KEYS;
    System.out.printf("ring: removing 1 of 4 shards moved %.4f of keys (ideal 0.2500)%n",
        fraction);
    assertThat(fraction).isBetween(0.21, 0.29);
  }

  @Test
  void invalidWeights_areRejectedNamingTheValue() {
    assertThatThrownBy(() -> ring(List.of("a"), new int[] {0}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> new Topology.Shard("s", "redis://h:1", 0, null))
        .hasMessageContaining("weight 0");
  }
}
