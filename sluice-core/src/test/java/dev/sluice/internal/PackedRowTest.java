package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packed rows (one-limit token buckets decided by one CAS) against the two-word form they
 * replace: the same random requests, in one thread, to a table that packs and to one that never
 * does must get equal decisions, field by field, through every transition a packed row takes —
 * time jumps beyond the packed range (the row unpacks), out-of-order timestamps (within the
 * eviction grace, as the engine's contract asks), costs of 0 and
 * above the burst, multi-key checks (which unpack), rebuilds (which pack again), eviction and
 * displacement at a cap (slots reused in place, whose new rows stay unpacked).
 */
class PackedRowTest {
  static LongStream seeds() {
    return LongStream.range(0, 24).map(i -> 0x9ACCED00L + i);
  }

  /** Rules whose rows pack, from a wide packed time range to the narrowest allowed. */
  private static Rule rule(SplittableRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> Rule.of("small", Limit.tokenBucket(1 + r.nextInt(20), Duration.ofMillis(
          1 + r.nextInt(2_000))));
      case 1 -> Rule.of("fast", Limit.tokenBucket(1_000_000_000L, Duration.ofSeconds(1)));
      // One permit per microsecond with a burst of 2^38 - 1: 25 bits of time, 33.5 s.
      case 2 -> Rule.of("wide", new Limit(Algorithm.TOKEN_BUCKET, 1_000_000,
          Duration.ofSeconds(1), (1L << 38) - 1));
      default -> Rule.of("odd", new Limit(Algorithm.TOKEN_BUCKET, 7, Duration.ofMillis(3),
          1 + r.nextInt(50)));
    };
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void packedTable_decidesExactlyAsTheTwoWordForm(long seed) {
    System.out.println("PackedRowTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    Rule rule = rule(r);
    long cap = r.nextBoolean() ? Long.MAX_VALUE : 1 + r.nextInt(64);
    long grace = r.nextBoolean() ? 0 : 1 + r.nextInt(1_000_000);
    LimiterTable packed = new LimiterTable(rule, cap, grace, true);
    LimiterTable plain = new LimiterTable(rule, cap, grace, false);
    LimiterTable otherA = new LimiterTable(Rule.of("o", Limit.fixedWindow(3, Duration.ofDays(1))),
        Long.MAX_VALUE, 0);
    LimiterTable otherB = new LimiterTable(Rule.of("o", Limit.fixedWindow(3, Duration.ofDays(1))),
        Long.MAX_VALUE, 0);
    long burst = rule.limits().get(0).burst();
    int clients = 1 + r.nextInt(200);
    long now = r.nextLong(-1_000_000_000_000L, 1_000_000_000_000_000L);
    long newest = now;
    long everPacked = 0;
    for (int step = 0; step < 6_000; step++) {
      switch (r.nextInt(20)) {
        case 0 -> now += r.nextLong(1L << 20, 1L << 36);  // beyond a narrow packed range
        // Out of order: an older timestamp, within the grace of the newest (the contract of
        // eviction: a request older than that may see a client evicted at another time).
        case 1 -> now = Math.max(newest - grace, now - r.nextInt(10_000));
        default -> now += r.nextInt(3) == 0 ? r.nextInt(2_000) : 0;
      }
      newest = Math.max(newest, now);
      // Few distinct low bits: long probe runs, so moves and displacement touch hot rows.
      long hash = ((long) r.nextInt(clients) << 40) | (r.nextInt(4) + 1);
      long cost = switch (r.nextInt(10)) {
        case 0 -> 0;
        case 1 -> burst + 1 + r.nextInt(3);
        default -> 1 + r.nextLong(Math.min(burst, 5));
      };
      String at = "seed " + seed + " step " + step + " rule " + rule + " cap " + cap;
      int what = r.nextInt(100);
      if (what < 45) {
        assertThat(packed.check(hash, cost, now)).as(at).isEqualTo(plain.check(hash, cost, now));
      } else if (what < 90) {
        assertThat(packed.tryAcquire(hash, cost, now)).as(at)
            .isEqualTo(plain.tryAcquire(hash, cost, now));
      } else if (what < 95) {
        long other = r.nextInt(5) + 1;
        Decision[] a = LimiterTable.checkAll(new LimiterTable[] {packed, otherA},
            new long[] {hash, other}, new long[] {cost, 1}, now);
        Decision[] b = LimiterTable.checkAll(new LimiterTable[] {plain, otherB},
            new long[] {hash, other}, new long[] {cost, 1}, now);
        assertThat(a).as(at).containsExactly(b);
      } else if (what < 98) {
        packed.evictExpired();
        plain.evictExpired();
      } else {
        everPacked = Math.max(everPacked, packed.packedRows());
      }
      assertThat(plain.packedRows()).isZero();
    }
    assertThat(packed.size()).as("seed %d", seed).isEqualTo(plain.size());
    for (long c = 0; c < clients; c++) {
      for (long low = 1; low <= 4; low++) {
        long hash = (c << 40) | low;
        assertThat(packed.check(hash, 0, now)).as("seed %d client %d", seed, hash)
            .isEqualTo(plain.check(hash, 0, now));
      }
    }
    packed.evictExpired();
    everPacked = Math.max(everPacked, packed.packedRows());
    assertThat(everPacked).as("seed %d: the packed path was in use", seed).isPositive();
  }

  @Test
  void rowsOfRulesThatCannotPack_stayInTheTwoWordForm() {
    for (Rule rule : new Rule[] {
        Rule.of("two", Limit.tokenBucket(10, Duration.ofSeconds(1)),
            Limit.tokenBucket(100, Duration.ofMinutes(1))),
        Rule.of("gcra", Limit.gcra(10, Duration.ofSeconds(1))),
        // A burst of 2^40 units leaves 23 bits of time, below the 24 a packed row needs.
        Rule.of("huge", new Limit(Algorithm.TOKEN_BUCKET, 1_000_000, Duration.ofSeconds(1),
            1L << 40))}) {
      LimiterTable t = new LimiterTable(rule, Long.MAX_VALUE, 0);
      for (long h = 1; h <= 100; h++) {
        assertThat(t.tryAcquire(h, 1, 1_000)).isTrue();
      }
      assertThat(t.packedRows()).as(rule.toString()).isZero();
    }
  }

  @Test
  void aHotRow_unpacksBeyondThePackedRange_andPacksAgainAtTheNextRebuild() {
    // 25 bits of time: 33.5 s.
    Rule rule = Rule.of("wide", new Limit(Algorithm.TOKEN_BUCKET, 1_000_000,
        Duration.ofSeconds(1), (1L << 38) - 1));
    LimiterTable t = new LimiterTable(rule, Long.MAX_VALUE, 0);
    long now = 5_000_000;
    assertThat(t.tryAcquire(42, 1, now)).isTrue();
    assertThat(t.packedRows()).isEqualTo(1);
    assertThat(t.check(42, 1, now + 30_000_000L).allowed()).isTrue();
    assertThat(t.packedRows()).as("30 s later: still in range").isEqualTo(1);
    Decision d = t.check(42, 1, now + 40_000_000L);
    assertThat(d.allowed()).isTrue();
    assertThat(t.packedRows()).as("40 s after it was packed: out of range").isZero();
    t.evictExpired();
    assertThat(t.packedRows()).as("rebuilt with B = t").isEqualTo(1);
    assertThat(t.check(42, 0, now + 40_000_000L).remaining()).isEqualTo(d.remaining());
  }
}
