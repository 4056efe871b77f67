package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Row locks beside the segment lock and the optimistic denials: several threads hammer a few hot
 * keys of one segment with {@code tryAcquire}, {@code check} and multi-key {@code checkAll} while
 * others insert and drop rows in the same segment (growth, rebuilds that evict, and so moved rows)
 * and flip the segment's denial hint. Time stands still inside one window, so an exact limiter
 * admits each hot key exactly its limit: one lost update or one double admission shows.
 */
class RowLockConcurrencyTest {
  static LongStream seeds() {
    long base = System.nanoTime();
    return LongStream.range(0, 4).map(i -> base + i);
  }

  /**
   * The race the segment-locked path's wait for a row's bit guards: a limit that is never reached
   * keeps every hot check on the row-lock path (the denial hint stays off) while multi-key checks
   * and the inserts of new clients decide the same hot rows under the segment lock. Each hot key's
   * remaining permits must then equal its limit less the admissions counted: a locked decision
   * that read a row while a row-lock writer was mid-update loses that writer's consumption (or
   * the writer loses the locked one), and the count and the state disagree.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void hotKeysStateMatchesAdmissions_whenRowLockAndSegmentLockMeetOnOneRow(long seed)
      throws Exception {
    System.out.println("RowLockConcurrencyTest race seed " + seed);
    SplittableRandom setup = new SplittableRandom(seed);
    long limit = 1_000_000_000L;
    Rule rule = setup.nextBoolean()
        ? Rule.of("hot", Limit.tokenBucket(limit, Duration.ofDays(1)))
        : Rule.of("two", Limit.fixedWindow(limit, Duration.ofDays(1)),
            Limit.tokenBucket(limit, Duration.ofDays(1)));
    LimiterTable table = new LimiterTable(rule, Long.MAX_VALUE, 0);
    LimiterTable other = new LimiterTable(Rule.of("other",
        Limit.fixedWindow(limit, Duration.ofDays(1))), Long.MAX_VALUE, 0);
    int hotCount = 1 + setup.nextInt(2);
    long[] hot = Concurrently.hotKeys(setup, hotCount);
    long now = 1_000_000;
    int opsPerThread = 200_000;
    AtomicLongArray admitted = new AtomicLongArray(hotCount);
    Concurrently.run(4, seed, r -> {
      for (int op = 0; op < opsPerThread; op++) {
        int k = r.nextInt(hotCount);
        int what = r.nextInt(100);
        if (what < 60) {
          if (table.tryAcquire(hot[k], 1, now)) {
            admitted.incrementAndGet(k);
          }
        } else if (what < 90) {
          Decision[] ds = LimiterTable.checkAll(new LimiterTable[] {table, other},
              new long[] {hot[k], Concurrently.hashIn0(r)}, new long[] {1, 1}, now);
          if (ds[0].allowed()) {
            admitted.incrementAndGet(k);
          }
        } else {
          table.tryAcquire(Concurrently.hashIn0(r), 1, now);  // an insert: the segment lock, rows move
        }
      }
      return null;
    });
    for (int k = 0; k < hotCount; k++) {
      long count = admitted.get(k);
      assertThat(count).as("seed %d: hot key %d was checked", seed, k).isPositive();
      assertThat(table.check(hot[k], 0, now).remaining())
          .as("seed %d: remaining of hot key %d after %d admissions", seed, k, count)
          .isEqualTo(limit - count);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void hotKeysAdmitExactlyTheirLimit_whileRowsMoveAndHintsFlip(long seed) throws Exception {
    System.out.println("RowLockConcurrencyTest seed " + seed);
    SplittableRandom setup = new SplittableRandom(seed);
    long limit = 2_000 + setup.nextInt(3_000);
    Rule hotRule = Rule.of("hot", Limit.fixedWindow(limit, Duration.ofDays(1)));
    Rule twoLimits = Rule.of("two", Limit.fixedWindow(limit, Duration.ofDays(1)),
        Limit.tokenBucket(limit, Duration.ofDays(1)));
    Rule rule = setup.nextBoolean() ? hotRule : twoLimits;
    // Grace 0: a row whose state is initial again (a cost-0 admission) is evicted at a rebuild.
    LimiterTable table = new LimiterTable(rule, Long.MAX_VALUE, 0);
    LimiterTable other = new LimiterTable(Rule.of("other",
        Limit.fixedWindow(1_000_000_000, Duration.ofDays(1))), Long.MAX_VALUE, 0);
    int hotCount = 1 + setup.nextInt(3);
    long[] hot = Concurrently.hotKeys(setup, hotCount);
    long now = 1_000_000;
    int opsPerThread = 20_000;
    AtomicLongArray admitted = new AtomicLongArray(hotCount);
    List<List<Long>> perThread = Concurrently.run(4, seed, r -> {
      List<Long> churned = new ArrayList<>();
      for (int op = 0; op < opsPerThread; op++) {
        int k = r.nextInt(hotCount);
        int what = r.nextInt(100);
        if (what < 45) {
          if (table.tryAcquire(hot[k], 1, now)) {
            admitted.incrementAndGet(k);
          }
        } else if (what < 75) {
          Decision d = table.check(hot[k], 1, now);
          if (d.allowed()) {
            admitted.incrementAndGet(k);
          }
        } else if (what < 82) {
          long x = Concurrently.hashIn0(r);
          Decision[] ds = LimiterTable.checkAll(new LimiterTable[] {table, other},
              new long[] {hot[k], x}, new long[] {1, 1}, now);
          // The other part never denies, so the whole is admitted exactly when the hot part is.
          assertThat(ds[1].allowed()).isTrue();
          if (ds[0].allowed()) {
            admitted.incrementAndGet(k);
          }
        } else if (what < 92) {
          // A new client admitted once: a row inserted (growth, rebuilds move the hot rows).
          long x = Concurrently.hashIn0(r);
          if (table.tryAcquire(x, 1, now)) {
            churned.add(x);
          }
        } else if (what < 99) {
          // A cost-0 admission: a row that is initial again, dropped at the next rebuild.
          table.tryAcquire(Concurrently.hashIn0(r), 0, now);
        } else {
          table.evictExpired();
        }
      }
      return churned;
    });
    List<Long> churned = new ArrayList<>();
    perThread.forEach(churned::addAll);
    for (int k = 0; k < hotCount; k++) {
      assertThat(admitted.get(k)).as("seed %d: admissions of hot key %d, limit %d", seed, k,
          limit).isEqualTo(limit);
      Decision d = table.check(hot[k], 1, now);
      assertThat(d.allowed()).isFalse();
      assertThat(d.remaining()).isZero();
    }
    for (long x : churned) {
      assertThat(table.check(x, 0, now).remaining()).as("seed %d: churned client", seed)
          .isEqualTo(limit - 1);
    }
  }
}
