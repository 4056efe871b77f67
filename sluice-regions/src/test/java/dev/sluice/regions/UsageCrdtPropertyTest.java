package dev.sluice.regions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The merge of regional usage is a join: commutative, associative, idempotent, and replicas that
 * receive the same messages in any order, duplicated or not, converge to the join of all of
 * them. Seeded; each case prints its seed.
 */
class UsageCrdtPropertyTest {
  private static final List<String> REGIONS = List.of("ap", "eu", "us", "sa");

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 200);
  }

  private static RegionUsage usage(SplittableRandom rnd) {
    boolean sealed = rnd.nextBoolean();
    return new RegionUsage(rnd.nextLong(1_000), rnd.nextLong(2_000),
        sealed ? rnd.nextLong(1_000) : -1, sealed ? rnd.nextLong(2_000) : -1);
  }

  private static UsageCrdt state(SplittableRandom rnd) {
    UsageCrdt s = UsageCrdt.EMPTY;
    int n = rnd.nextInt(REGIONS.size() + 1);
    for (int i = 0; i < n; i++) {
      s = s.with(REGIONS.get(rnd.nextInt(REGIONS.size())), usage(rnd));
    }
    return s;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void join_isCommutativeAssociativeAndIdempotent(long seed) {
    System.out.println("UsageCrdtPropertyTest.join seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    UsageCrdt a = state(rnd);
    UsageCrdt b = state(rnd);
    UsageCrdt c = state(rnd);
    assertThat(a.join(b)).as("commutative, seed %d", seed).isEqualTo(b.join(a));
    assertThat(a.join(b).join(c)).as("associative, seed %d", seed)
        .isEqualTo(a.join(b.join(c)));
    assertThat(a.join(a)).as("idempotent, seed %d", seed).isEqualTo(a);
    assertThat(a.join(UsageCrdt.EMPTY)).as("bottom, seed %d", seed).isEqualTo(a);
    // The join is an upper bound: no field of either side is ever lowered.
    UsageCrdt j = a.join(b);
    for (String r : REGIONS) {
      assertThat(j.get(r).admitted()).isGreaterThanOrEqualTo(
          Math.max(a.get(r).admitted(), b.get(r).admitted()));
      assertThat(j.get(r).allocation()).isGreaterThanOrEqualTo(
          Math.max(a.get(r).allocation(), b.get(r).allocation()));
    }
  }

  /**
   * Each region counts up (admitted and demand only grow, its seal is set once) and sends
   * snapshots of what it knows; the network reorders, duplicates and delays them. Once every
   * message has arrived, every replica holds the same state: each region's last entry.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void replicas_convergeWhateverTheOrderAndDuplicationOfMessages(long seed) {
    System.out.println("UsageCrdtPropertyTest.converge seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    int n = 2 + rnd.nextInt(REGIONS.size() - 1);
    List<String> regions = REGIONS.subList(0, n);
    UsageCrdt[] replica = new UsageCrdt[n];
    RegionUsage[] own = new RegionUsage[n];
    for (int i = 0; i < n; i++) {
      replica[i] = UsageCrdt.EMPTY;
      own[i] = RegionUsage.NONE;
    }
    List<Object[]> inFlight = new ArrayList<>(); // {target index, state}
    int steps = 20 + rnd.nextInt(80);
    for (int step = 0; step < steps; step++) {
      int i = rnd.nextInt(n);
      long a = own[i].admitted() + rnd.nextLong(10);
      long d = Math.max(a, own[i].demand() + rnd.nextLong(15));
      boolean seal = own[i].sealed() || rnd.nextInt(5) == 0;
      own[i] = new RegionUsage(a, d, seal ? Math.max(0, own[i].allocation()) + (own[i].sealed()
          ? 0 : rnd.nextLong(100)) : -1, seal ? Math.max(0, own[i].sealedDemand()) : -1);
      replica[i] = replica[i].with(regions.get(i), own[i]);
      int copies = 1 + rnd.nextInt(3);
      for (int c = 0; c < copies; c++) {
        inFlight.add(new Object[] {rnd.nextInt(n), replica[i]});
      }
      // Deliver some messages now, in a random order.
      Collections.shuffle(inFlight, new java.util.Random(rnd.nextLong()));
      int deliver = rnd.nextInt(inFlight.size() + 1);
      for (int k = 0; k < deliver; k++) {
        Object[] m = inFlight.remove(inFlight.size() - 1);
        int t = (int) m[0];
        replica[t] = replica[t].join((UsageCrdt) m[1]);
      }
    }
    // Drain, then one final exchange from every region to every other (what a healed
    // partition's next exchange round does).
    Collections.shuffle(inFlight, new java.util.Random(rnd.nextLong()));
    for (Object[] m : inFlight) {
      int t = (int) m[0];
      replica[t] = replica[t].join((UsageCrdt) m[1]);
    }
    UsageCrdt[] sent = replica.clone();
    for (int t = 0; t < n; t++) {
      for (int s = 0; s < n; s++) {
        replica[t] = replica[t].join(sent[s]);
      }
    }
    UsageCrdt expected = UsageCrdt.EMPTY;
    for (int i = 0; i < n; i++) {
      expected = expected.with(regions.get(i), own[i]);
    }
    for (int t = 0; t < n; t++) {
      assertThat(replica[t]).as("replica %d, seed %d", t, seed).isEqualTo(expected);
    }
  }
}
