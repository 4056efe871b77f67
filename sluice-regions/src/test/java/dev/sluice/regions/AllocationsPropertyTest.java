package dev.sluice.regions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rebalancing never lets the allocations in force exceed the global limit, whichever regions
 * hold the previous epoch's seals (the others keep their allocation), and a region's permits
 * within an epoch are bounded by the larger of its old and new allocation (the instances of a
 * region that learn the new one late still use the old). Seeded; each case prints its seed.
 */
class AllocationsPropertyTest {
  private static final List<String> REGIONS = List.of("ap", "eu", "us");

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 300);
  }

  @Test
  void seedExample_1000SplitAs400_400_200() {
    Allocations a = Allocations.of(1000, Map.of("ap", 2L, "eu", 2L, "us", 1L), 0.25, 0);
    assertThat(a.fixed("ap")).isEqualTo(400);
    assertThat(a.fixed("eu")).isEqualTo(400);
    assertThat(a.fixed("us")).isEqualTo(200);
    assertThat(a.floor("us")).isEqualTo(50);
    // us surges to 700 while ap and eu ask for 100 each: floors 100/100/50, then the 750 left
    // go to the excess demands (0, 0, 650), the last 100 back by weight (40, 40, 20).
    assertThat(a.target(Map.of("ap", 100L, "eu", 100L, "us", 700L)))
        .containsEntry("ap", 140L).containsEntry("eu", 140L).containsEntry("us", 720L);
    Map<String, Long> prev = Map.of("ap", 400L, "eu", 400L, "us", 200L);
    Map<String, Long> d = Map.of("ap", 100L, "eu", 100L, "us", 700L);
    // The donors shrink at once; the receiver may not grow while they may still hold 400 each.
    assertThat(a.next("ap", prev, d)).isEqualTo(140);
    assertThat(a.next("us", prev, d)).isEqualTo(200);
    Map<String, Long> prev2 = Map.of("ap", 140L, "eu", 140L, "us", 200L);
    assertThat(a.next("us", prev2, d)).isEqualTo(720);
  }

  @Test
  void badValues_areNamed() {
    assertThatThrownBy(() -> Allocations.of(10, Map.of("eu", 0L), 0.1, 0))
        .hasMessageContaining("weight 0 of region 'eu'");
    assertThatThrownBy(() -> Allocations.of(10, Map.of("eu", 1L), 1.5, 0))
        .hasMessageContaining("floor share 1.5");
    assertThatThrownBy(() -> Allocations.of(10, Map.of("eu", 1L), 0.5, 0).fixed("us"))
        .hasMessageContaining("unknown region 'us'");
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void targets_sumToTheLimitAndRespectFloors(long seed) {
    System.out.println("AllocationsPropertyTest.targets seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    Allocations a = random(rnd);
    Map<String, Long> demand = new HashMap<>();
    for (String r : REGIONS) {
      demand.put(r, rnd.nextLong(2 * a.total() + 1));
    }
    SortedMap<String, Long> t = a.target(demand);
    assertThat(t.values().stream().mapToLong(Long::longValue).sum()).as("seed %d", seed)
        .isEqualTo(a.total());
    long fixedSum = 0;
    for (String r : REGIONS) {
      assertThat(t.get(r)).as("floor of %s, seed %d", r, seed).isGreaterThanOrEqualTo(a.floor(r));
      fixedSum += a.fixed(r);
    }
    assertThat(fixedSum).isEqualTo(a.total());
  }

  /**
   * Epoch after epoch, demand changes at random and each region either holds every seal of the
   * previous epoch (and steps with {@link Allocations#next}) or not (and keeps); within an epoch
   * a region may spend up to the larger of its old and new allocation. The sum of what the
   * regions may spend never exceeds the limit; no allocation drops below its floor.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void step_neverLetsTheRegionsSpendMoreThanTheLimit(long seed) {
    System.out.println("AllocationsPropertyTest.step seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    Allocations a = random(rnd);
    Map<String, Long> alloc = new TreeMap<>();
    for (String r : REGIONS) {
      alloc.put(r, a.fixed(r));
    }
    Map<String, Long> demand = new HashMap<>();
    for (int epoch = 0; epoch < 60; epoch++) {
      for (String r : REGIONS) {
        demand.put(r, rnd.nextInt(4) == 0 ? rnd.nextLong(2 * a.total() + 1)
            : demand.getOrDefault(r, a.fixed(r)));
      }
      Map<String, Long> next = new TreeMap<>();
      long spendable = 0;
      for (String r : REGIONS) {
        boolean complete = rnd.nextInt(3) != 0;
        long n = complete ? a.next(r, alloc, demand) : a.keep(alloc.get(r));
        assertThat(n).as("floor of %s, epoch %d, seed %d", r, epoch, seed)
            .isGreaterThanOrEqualTo(a.floor(r));
        next.put(r, n);
        spendable += Math.max(n, alloc.get(r));
      }
      assertThat(spendable).as("epoch %d, seed %d: %s -> %s", epoch, seed, alloc, next)
          .isLessThanOrEqualTo(a.total());
      alloc = next;
    }
  }

  /**
   * With every seal delivered and a demand that stays, allocations reach their targets within
   * three epochs (donors shrink in the first, receivers grow in the second).
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void step_reachesTheTargetsWithinTwoEpochsOfCompleteExchange(long seed) {
    System.out.println("AllocationsPropertyTest.reach seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    long total = 100 + rnd.nextLong(10_000);
    Allocations a = Allocations.of(total, Map.of("ap", 1 + rnd.nextLong(5), "eu",
        1 + rnd.nextLong(5), "us", 1 + rnd.nextLong(5)), rnd.nextDouble(), 0);
    Map<String, Long> demand = new HashMap<>();
    Map<String, Long> alloc = new TreeMap<>();
    for (String r : REGIONS) {
      demand.put(r, rnd.nextLong(2 * total));
      alloc.put(r, a.fixed(r));
    }
    for (int epoch = 0; epoch < 2; epoch++) {
      Map<String, Long> next = new TreeMap<>();
      for (String r : REGIONS) {
        next.put(r, a.next(r, alloc, demand));
      }
      alloc = next;
    }
    assertThat(alloc).as("seed %d", seed).isEqualTo(a.target(demand));
  }

  private static Allocations random(SplittableRandom rnd) {
    long total = rnd.nextLong(20_000);
    Map<String, Long> w = new HashMap<>();
    for (String r : REGIONS) {
      w.put(r, 1 + rnd.nextLong(10));
    }
    return Allocations.of(total, w, rnd.nextDouble(), rnd.nextInt(3) == 0 ? 0
        : rnd.nextLong(total / 10 + 1));
  }
}
