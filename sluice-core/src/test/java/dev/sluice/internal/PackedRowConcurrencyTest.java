package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packed rows under contention: threads decide a few hot keys of one segment by the packed
 * path's CAS while others insert clients (growth: rebuilds move and pack rows again), evict,
 * displace rows at a cap (in-place moves), run multi-key checks (which unpack) and move the clock
 * past the packed range (the locked path unpacks). The bucket's refill over the whole run is
 * below one permit, so an exact limiter admits each hot key exactly its burst: a decision that
 * lands on a moved or unpacked row, or is lost to a move, shows as one admission too many or
 * too few.
 */
class PackedRowConcurrencyTest {
  /** 256 permits, refilled at one per 2^30 us: packed words keep 24 bits of time (16.8 s). */
  private static final Rule RULE = Rule.of("hot", new Limit(Algorithm.TOKEN_BUCKET, 1,
      Duration.ofNanos(1_000L << 30), 256));
  private static final long BURST = 256;
  /** Time jumps of 17 s (beyond the packed range), at most 60 of them: 1,020 s < 2^30 us. */
  private static final long JUMP = 17_000_000L;
  private static final int MAX_JUMPS = 60;

  /**
   * A hash of segment 0 with one of four low bits patterns: every row sits in one of four long
   * probe runs, so displacement at the cap shifts the hot rows in place (only with a cap: the
   * runs would grow without bound otherwise).
   */
  private static long clustered(SplittableRandom r) {
    return ((r.nextLong() & ((1L << 17) - 1)) << 40) | (r.nextInt(4) + 1);
  }

  /** Even seeds run without a cap, odd ones with one (displacement). */
  static LongStream seeds() {
    long base = System.nanoTime();
    return LongStream.range(0, 6).map(i -> base + i);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void hotKeysAdmitExactlyTheirBurst_whileRowsMovePackAndUnpack(long seed) throws Exception {
    System.out.println("PackedRowConcurrencyTest seed " + seed);
    SplittableRandom setup = new SplittableRandom(seed);
    long cap = (seed & 1) == 0 ? Long.MAX_VALUE : 12 + setup.nextInt(20);
    LimiterTable table = new LimiterTable(RULE, cap, 0);
    LimiterTable other = new LimiterTable(Rule.of("other",
        Limit.fixedWindow(1_000_000_000, Duration.ofDays(1))), Long.MAX_VALUE, 0);
    int hotCount = 1 + setup.nextInt(3);
    boolean capped = cap != Long.MAX_VALUE;
    long[] hot = new long[hotCount];
    for (int k = 0; k < hotCount; k++) {
      hot[k] = capped ? clustered(setup) : Concurrently.hashIn0(setup);
    }
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    AtomicLong jumps = new AtomicLong();
    AtomicLongArray admitted = new AtomicLongArray(hotCount);
    AtomicLong packedSeen = new AtomicLong();
    Concurrently.run(4, seed, r -> {
      for (int op = 0; op < 40_000; op++) {
        int k = r.nextInt(hotCount);
        long now = clock.get();
        int what = r.nextInt(1_000);
        if (what < 500) {
          if (table.tryAcquire(hot[k], 1, now)) {
            admitted.incrementAndGet(k);
          }
        } else if (what < 800) {
          if (table.check(hot[k], 1, now).allowed()) {
            admitted.incrementAndGet(k);
          }
        } else if (what < 810) {
          Decision[] ds = LimiterTable.checkAll(new LimiterTable[] {table, other},
              new long[] {hot[k], Concurrently.hashIn0(r)}, new long[] {1, 1}, now);
          if (ds[0].allowed()) {
            admitted.incrementAndGet(k);
          }
        } else if (what < 990) {
          // A new client: inserts, moves (growth), and at the cap displaces in place.
          table.tryAcquire(capped ? clustered(r) : Concurrently.hashIn0(r), 1, now);
        } else if (what < 995) {
          table.evictExpired();
          packedSeen.accumulateAndGet(table.packedRows(), Math::max);
        } else if (what < 996 && jumps.incrementAndGet() <= MAX_JUMPS) {
          clock.addAndGet(JUMP);
        } else {
          table.tryAcquire(hot[k], 0, now);  // cost 0: moves the row's time, consumes nothing
        }
      }
      return null;
    });
    long now = clock.get();
    for (int k = 0; k < hotCount; k++) {
      assertThat(admitted.get(k)).as("seed %d cap %d: admissions of hot key %d", seed, cap, k)
          .isEqualTo(BURST);
      Decision d = table.check(hot[k], 1, now);
      assertThat(d.allowed()).as("seed %d: hot key %d after its burst", seed, k).isFalse();
      assertThat(d.remaining()).isZero();
    }
    assertThat(packedSeen.get()).as("seed %d: rows were packed during the run", seed)
        .isPositive();
  }
}
