package dev.sluice.stats;

import dev.sluice.rules.decide.DecisionCounters.ClientTally;
import dev.sluice.rules.decide.DecisionCounters.Kind;
import dev.sluice.spi.Hashing;
import dev.sluice.stats.RuleSnapshot.Estimate;
import dev.sluice.stats.RuleSnapshot.Rates;
import dev.sluice.stats.RuleSnapshot.TopClient;
import dev.sluice.stats.RuleSnapshot.TopList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * One rule's traffic statistics: a ring of {@code slices} sub-period sketches (two frequent-items
 * sketches, denied and requested permits by client, and one HyperLogLog of client keys), merged
 * on read, plus exact per-second decision counts.
 *
 * <p><b>The check path</b> ({@link #decided}) must cost little on every front end's event loops,
 * so it never touches a sketch directly: each thread lands on one of a few stripes (by thread id,
 * moving to the next stripe when that one is busy), counts the decision in the stripe's
 * per-second ring and appends the client to the stripe's small buffer, all under the stripe's
 * own lock, which is uncontended unless two threads share a stripe. A full buffer (or one whose
 * slice has ended) is drained into the slice's sketches under the rule's lock: once per
 * {@value #BUFFER} checks per stripe. Reads drain every stripe first, so they see every
 * decision made before them.
 *
 * <p>Thread-safe. Lock order: a stripe, then the rule; never the other way round.
 */
final class RuleTraffic implements ClientTally {
  /** Entries a stripe buffers before it drains into the sketches. */
  static final int BUFFER = 128;
  /** Seconds of per-second counts kept (a power of two; the chart shows 60). */
  static final int SECONDS = 64;
  /** Seconds the reported rates average over. */
  static final int RATE_WINDOW = 10;
  /** Seconds in the series (complete seconds before the read). */
  static final int SERIES = 60;
  private static final Kind[] KINDS = Kind.values();

  private final String rule;
  private final SketchConfig config;
  private final LongSupplier nowMillis;
  private final Stripe[] stripes;
  private final ReentrantLock sketchLock = new ReentrantLock();
  private final Slice[] ring;
  private final long createdMillis;

  RuleTraffic(String rule, SketchConfig config, LongSupplier nowMillis, int stripeCount) {
    this.rule = rule;
    this.config = config;
    this.nowMillis = nowMillis;
    this.stripes = new Stripe[stripeCount];
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] = new Stripe();
    }
    this.ring = new Slice[config.slices()];
    for (int i = 0; i < ring.length; i++) {
      ring[i] = new Slice(config);
    }
    this.createdMillis = nowMillis.getAsLong();
  }

  /** When these statistics were created (epoch milliseconds). */
  long createdMillis() {
    return createdMillis;
  }

  /** Whether no decision was observed in the whole period. */
  boolean idle() {
    drainAll();
    long current = nowMillis.getAsLong() / config.sliceMillis();
    sketchLock.lock();
    try {
      for (Slice s : ring) {
        if (s.number > current - config.slices() && s.number <= current
            && !s.requested.isEmpty()) {
          return false;
        }
      }
      return true;
    } finally {
      sketchLock.unlock();
    }
  }

  private void drainAll() {
    for (Stripe s : stripes) {
      s.lock.lock();
      try {
        drain(s);
      } finally {
        s.lock.unlock();
      }
    }
  }

  @Override
  public void decided(String client, long cost, Kind kind) {
    long now = nowMillis.getAsLong();
    Stripe s = acquire();
    try {
      s.count(now / 1000, kind);
      long slice = now / config.sliceMillis();
      if (s.used > 0 && s.slice != slice) {
        drain(s);
      }
      s.slice = slice;
      s.clients[s.used] = client;
      s.costs[s.used] = cost;
      s.kinds[s.used] = (byte) kind.ordinal();
      if (++s.used == BUFFER) {
        drain(s);
      }
    } finally {
      s.lock.unlock();
    }
  }

  /** The calling thread's stripe, locked; the next free one when that is busy. */
  private Stripe acquire() {
    int n = stripes.length;
    int home = (int) (Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L >>> 40) & (n - 1);
    for (int i = 0; i < n; i++) {
      Stripe s = stripes[(home + i) & (n - 1)];
      if (s.lock.tryLock()) {
        return s;
      }
    }
    Stripe s = stripes[home];
    s.lock.lock();
    return s;
  }

  /** Moves a stripe's buffer into its slice's sketches; the caller holds the stripe's lock. */
  private void drain(Stripe s) {
    if (s.used == 0) {
      return;
    }
    sketchLock.lock();
    try {
      Slice target = slice(s.slice);
      if (target != null) {
        for (int i = 0; i < s.used; i++) {
          target.add(s.clients[i], s.costs[i], KINDS[s.kinds[i]]);
        }
      }
    } finally {
      sketchLock.unlock();
    }
    Arrays.fill(s.clients, 0, s.used, null);
    s.used = 0;
  }

  /**
   * The slice for slice number {@code n}, reset when its ring place held an older one; null when
   * the place already holds a newer one (entries for a slice that has left the period).
   */
  private Slice slice(long n) {
    Slice s = ring[(int) Math.floorMod(n, (long) ring.length)];
    if (s.number == n) {
      return s;
    }
    if (s.number > n) {
      return null;
    }
    s.reset(n);
    return s;
  }

  /**
   * Reads the last {@code slicesWanted} slices (the current, partial one included) and the
   * per-second counts.
   *
   * @param top how many clients each top list holds at most
   */
  RuleSnapshot snapshot(int slicesWanted, int top) {
    long now = nowMillis.getAsLong();
    long second = now / 1000;
    long[][] perSecond = new long[KINDS.length][SERIES];
    for (Stripe s : stripes) {
      s.lock.lock();
      try {
        drain(s);
        s.addSeries(second - SERIES, perSecond);
      } finally {
        s.lock.unlock();
      }
    }
    long current = now / config.sliceMillis();
    long first = current - slicesWanted + 1;
    ItemsSketch<String> denied = new ItemsSketch<>(config.topCapacity());
    ItemsSketch<String> requested = new ItemsSketch<>(config.topCapacity());
    Union clients = new Union(config.hllLgK());
    sketchLock.lock();
    try {
      for (Slice s : ring) {
        if (s.number >= first && s.number <= current) {
          denied.merge(s.denied);
          requested.merge(s.requested);
          clients.update(s.clients);
        }
      }
    } finally {
      sketchLock.unlock();
    }
    HllSketch u = clients.getResult(TgtHllType.HLL_4);
    Estimate unique = new Estimate(u.getEstimate(), u.getLowerBound(2), u.getUpperBound(2));
    return new RuleSnapshot(rule, first * config.sliceMillis(), now, top(denied, top),
        top(requested, top), denied.getStreamLength(), requested.getStreamLength(), unique,
        rates(second - SERIES, perSecond));
  }

  /** The distinct clients over the whole period (for the gauge): HLL only, no top lists. */
  double uniqueClients() {
    drainAll();
    long current = nowMillis.getAsLong() / config.sliceMillis();
    Union clients = new Union(config.hllLgK());
    sketchLock.lock();
    try {
      for (Slice s : ring) {
        if (s.number > current - config.slices() && s.number <= current) {
          clients.update(s.clients);
        }
      }
    } finally {
      sketchLock.unlock();
    }
    return clients.getEstimate();
  }

  private static TopList top(ItemsSketch<String> sketch, int n) {
    List<TopClient> out = new ArrayList<>(n);
    if (n > 0 && !sketch.isEmpty()) {
      ItemsSketch.Row<String>[] rows = sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES);
      Arrays.sort(rows, Comparator.comparingLong((ItemsSketch.Row<String> r) -> -r.getEstimate())
          .thenComparing(ItemsSketch.Row::getItem));
      for (int i = 0; i < rows.length && i < n; i++) {
        ItemsSketch.Row<String> r = rows[i];
        out.add(new TopClient(r.getItem(), r.getEstimate(), r.getLowerBound(),
            r.getUpperBound()));
      }
    }
    return new TopList(List.copyOf(out), sketch.getMaximumError());
  }

  private static Rates rates(long start, long[][] perSecond) {
    double[] rate = new double[KINDS.length];
    for (int k = 0; k < KINDS.length; k++) {
      long sum = 0;
      for (int i = SERIES - RATE_WINDOW; i < SERIES; i++) {
        sum += perSecond[k][i];
      }
      rate[k] = sum / (double) RATE_WINDOW;
    }
    return new Rates(RATE_WINDOW, rate[Kind.ALLOWED.ordinal()], rate[Kind.DENIED.ordinal()],
        rate[Kind.SHADOW_DENIED.ordinal()], rate[Kind.DEGRADED.ordinal()], start,
        perSecond[Kind.ALLOWED.ordinal()], perSecond[Kind.DENIED.ordinal()],
        perSecond[Kind.SHADOW_DENIED.ordinal()], perSecond[Kind.DEGRADED.ordinal()]);
  }

  /**
   * A 64-bit hash of a client key (FNV-1a over its chars), which the HyperLogLog hashes again
   * (MurmurHash3 of the long): cheaper than its own {@code update(String)}, which encodes the
   * string to UTF-8 first, and as good for counting distinct keys (two keys collide with
   * probability about 2^-64).
   */
  static long hash64(String s) {
    return Hashing.fnv1a64(s);
  }

  /**
   * One sub-period's sketches. Guarded by the rule's sketch lock. The HyperLogLog is kept as
   * {@code HLL_8} (a byte per register, 2^lgK bytes: 4 KiB at the default) because its update is
   * the cheapest of the three types; reads return it as {@code HLL_4}.
   */
  private static final class Slice {
    long number = Long.MIN_VALUE;
    final ItemsSketch<String> denied;
    final ItemsSketch<String> requested;
    final HllSketch clients;

    Slice(SketchConfig c) {
      denied = new ItemsSketch<>(c.topCapacity());
      requested = new ItemsSketch<>(c.topCapacity());
      clients = new HllSketch(c.hllLgK(), TgtHllType.HLL_8);
    }

    void reset(long n) {
      number = n;
      denied.reset();
      requested.reset();
      clients.reset();
    }

    void add(String client, long cost, Kind kind) {
      requested.update(client, cost);
      if (kind == Kind.DENIED || kind == Kind.SHADOW_DENIED) {
        denied.update(client, cost);
      }
      clients.update(hash64(client));
    }
  }

  /** One stripe: a buffer of clients waiting for the sketches and exact per-second counts. */
  private static final class Stripe {
    final ReentrantLock lock = new ReentrantLock();
    final String[] clients = new String[BUFFER];
    final long[] costs = new long[BUFFER];
    final byte[] kinds = new byte[BUFFER];
    int used;
    long slice;
    /** For each ring place, the epoch second it counts. */
    final long[] stamps = new long[SECONDS];
    /** Decisions by ring place and kind. */
    final long[] counts = new long[SECONDS * KINDS.length];

    Stripe() {
      Arrays.fill(stamps, Long.MIN_VALUE);
    }

    void count(long second, Kind kind) {
      int at = (int) (second & (SECONDS - 1));
      if (stamps[at] != second) {
        stamps[at] = second;
        Arrays.fill(counts, at * KINDS.length, (at + 1) * KINDS.length, 0);
      }
      counts[at * KINDS.length + kind.ordinal()]++;
    }

    /** Adds this stripe's counts of seconds {@code start ..} into {@code out[kind][i]}. */
    void addSeries(long start, long[][] out) {
      for (int i = 0; i < out[0].length; i++) {
        long second = start + i;
        int at = (int) (second & (SECONDS - 1));
        if (stamps[at] == second) {
          for (int k = 0; k < KINDS.length; k++) {
            out[k][i] += counts[at * KINDS.length + k];
          }
        }
      }
    }
  }
}
