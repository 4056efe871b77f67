package dev.sluice.synced;

import dev.sluice.Decision;
import dev.sluice.spi.SlidingWindowCounter;

/**
 * One client's view of the cluster under one rule: per limit, what the other instances had
 * consumed in the current and previous fixed window at the last sync, what this instance has
 * consumed in them (its own grow-only count), and this instance's share of what is left.
 *
 * <p>Decisions follow {@code docs/algorithms.md} for fixed window and sliding window counter,
 * with the count of a window being {@code others + own}; with no other instance this is exactly
 * the in-memory engine's arithmetic. Guarded by its own monitor: every method but the
 * constructor is called holding it.
 */
final class SyncedKeyState extends ClientState {
  static final long ABSENT = Long.MIN_VALUE;
  /** A share meaning "no share": this instance is alone. */
  static final long UNLIMITED = Long.MAX_VALUE;
  /**
   * The part of the others' admissions over one interval that a view is assumed to miss: their
   * sync phases are spread over the interval, so on average half an interval of their admissions
   * is not pushed yet (docs/distributed.md weighs this against assuming none or a whole
   * interval).
   */
  static final double STALENESS = 0.5;

  final SyncedRuleState rule;
  private final int n;
  private final long[] permits;
  private final long[] window;
  private final boolean[] sliding;

  // Every per-limit figure of this client lives in one array, F longs per limit, so that a check
  // touches one object (a few cache lines) rather than eighteen arrays: with many clients the
  // misses of scattered arrays cost more than the arithmetic (SyncedVersusInMemoryBenchmark).
  /** The start of the current window (ABSENT before the first admission). */
  private static final int START = 0;
  /** What this instance admitted in the current window. */
  private static final int OWN_CUR = 1;
  /** What the others had admitted in it at the last sync. */
  private static final int OTHERS_CUR = 2;
  /** Own count of the current window Redis acknowledged. */
  private static final int PUSHED_CUR = 3;
  /** Own count of the current window as sent in the last applied sync. */
  private static final int SYNCED_OWN_CUR = 4;
  /** Syncs applied in the current window. */
  private static final int SYNCS_IN_WINDOW = 5;
  /** The cluster's total of the current window at the last applied sync. */
  private static final int SYNCED_TOTAL_CUR = 6;
  /** This instance's share until its next sync. */
  private static final int SHARE = 7;
  /** Requests the view admitted (the share may still have denied them) since the last snapshot. */
  private static final int DEMAND = 8;
  private static final int OWN_PREV = 9;
  private static final int OTHERS_PREV = 10;
  private static final int PUSHED_PREV = 11;
  // The working view of one decision (see view()), kept to avoid allocating per check.
  private static final int V_TE = 12;
  private static final int V_START = 13;
  private static final int V_CUR = 14;
  private static final int V_PREV = 15;
  private static final int V_SINCE = 16;
  private static final int V_SHARE = 17;
  private static final int F = 18;
  private final long[] a;

  /** When the last snapshot was taken, engine time, or ABSENT. */
  private long lastSnapshotMicros = ABSENT;
  /** Whether this state waits in its rule's dirty queue. */
  boolean queued;
  /** A share denied a request: read the cluster's counts even if nothing new was admitted. */
  boolean needsRead;

  SyncedKeyState(SyncedRuleState rule, String client) {
    super(client);
    this.rule = rule;
    this.n = rule.limits.length;
    permits = rule.permits;
    window = rule.window;
    sliding = rule.sliding;
    a = new long[n * F];
    for (int i = 0; i < n; i++) {
      a[i * F + START] = ABSENT;
      a[i * F + SHARE] = UNLIMITED;
    }
  }

  /**
   * Decides a request; returns the bit set of denying limits, 0 when admitted and consumed. As
   * in the in-memory engine, only an admission writes the state (a denial leaves the window
   * where it was, which matters for later requests whose timestamps run back).
   */
  int decide(long t, long c, int instances) {
    int denied = test(t, c, instances);
    if (denied == 0) {
      consume(c, instances);
    }
    return denied;
  }

  /**
   * The first half of {@link #decide}: evaluates a request of {@code c} at {@code t} and returns
   * the bit set of denying limits (0 when every limit admits) without consuming; a denial by the
   * share is recorded as {@link #decide} records it. {@link #consume} must follow under the same
   * monitor to admit.
   */
  int test(long t, long c, int instances) {
    view(t, instances);
    int denied = 0;
    boolean byShare = false;
    for (int i = 0; i < n; i++) {
      if (permits[i] == 0 || c > permits[i] || !admits(i, a[i * F + V_TE], c)) {
        denied |= 1 << i;
      } else if (a[i * F + V_SINCE] + c > a[i * F + V_SHARE]) {
        denied |= 1 << i;
        byShare = true;
      }
    }
    if (denied != 0 && byShare) {
      for (int i = 0; i < n; i++) {
        if (a[i * F + V_START] == a[i * F + START]) {
          a[i * F + DEMAND] += c;
        }
      }
      needsRead = true;
      rule.engine.shareDenials.increment();
    }
    return denied;
  }

  /** The second half of {@link #decide}: consumes {@code c} on every limit, as just tested. */
  void consume(long c, int instances) {
    for (int i = 0; i < n; i++) {
      roll(i, a[i * F + V_TE], instances);
      a[i * F + OWN_CUR] += c;
      a[i * F + DEMAND] += c;
    }
  }

  /** Fills the working view of every limit at {@code t} without writing the state. */
  private void view(long t, int instances) {
    for (int i = 0; i < n; i++) {
      long te = Math.max(t, a[i * F + START]);
      long s = te - Math.floorMod(te, window[i]);
      a[i * F + V_TE] = te;
      a[i * F + V_START] = s;
      if (s == a[i * F + START]) {
        a[i * F + V_CUR] = a[i * F + OTHERS_CUR] + a[i * F + OWN_CUR];
        a[i * F + V_PREV] = a[i * F + OTHERS_PREV] + a[i * F + OWN_PREV];
        a[i * F + V_SINCE] = a[i * F + OWN_CUR] - a[i * F + SYNCED_OWN_CUR];
        a[i * F + V_SHARE] = a[i * F + SHARE];
      } else {
        a[i * F + V_CUR] = 0;
        a[i * F + V_PREV] = a[i * F + START] != ABSENT && s == a[i * F + START] + window[i]
            ? a[i * F + OTHERS_CUR] + a[i * F + OWN_CUR] : 0;
        a[i * F + V_SINCE] = 0;
        // Not synced in this window yet: an equal part of what is left, whatever the demand.
        a[i * F + V_SHARE] = instances <= 1 ? UNLIMITED
            : round((double) remaining(i, te) / instances, s, 0);
      }
    }
  }

  /** Moves limit {@code i} to the window of {@code te}, as the view saw it. */
  private void roll(int i, long te, int instances) {
    long s = a[i * F + V_START];
    if (s != a[i * F + START]) {
      if (a[i * F + START] != ABSENT && s == a[i * F + START] + window[i]) {
        a[i * F + OWN_PREV] = a[i * F + OWN_CUR];
        a[i * F + OTHERS_PREV] = a[i * F + OTHERS_CUR];
        a[i * F + PUSHED_PREV] = a[i * F + PUSHED_CUR];
      } else {
        a[i * F + OWN_PREV] = 0;
        a[i * F + OTHERS_PREV] = 0;
        a[i * F + PUSHED_PREV] = 0;
      }
      a[i * F + START] = s;
      a[i * F + OWN_CUR] = 0;
      a[i * F + OTHERS_CUR] = 0;
      a[i * F + PUSHED_CUR] = 0;
      a[i * F + SYNCED_OWN_CUR] = 0;
      a[i * F + SYNCS_IN_WINDOW] = 0;
      a[i * F + SYNCED_TOTAL_CUR] = 0;
      a[i * F + DEMAND] = 0;
      a[i * F + SHARE] = a[i * F + V_SHARE];
    }
  }

  private boolean admits(int i, long te, long c) {
    long p = permits[i];
    if (!sliding[i]) {
      return a[i * F + V_CUR] + c <= p;
    }
    long w = window[i];
    long e = te - a[i * F + V_START];
    long prev = a[i * F + V_PREV];
    long cur = a[i * F + V_CUR];
    if (prev <= p && cur <= p) {
      // Limit guarantees permits * window < 2^61, so 3 * permits * window fits.
      return prev * (w - e) + (cur + c) * w <= p * w;
    }
    return (double) prev * (w - e) + (double) (cur + c) * w <= (double) p * w;
  }

  /** Permits left in the view of limit {@code i} at {@code te}. */
  private long remaining(int i, long te) {
    long p = permits[i];
    if (!sliding[i]) {
      return Math.max(0, p - a[i * F + V_CUR]);
    }
    long w = window[i];
    long e = te - a[i * F + V_START];
    long prev = a[i * F + V_PREV];
    long cur = a[i * F + V_CUR];
    if (prev <= p && cur <= p) {
      return Math.max(0, Math.floorDiv(p * w - prev * (w - e) - cur * w, w));
    }
    double free = (double) p * w - (double) prev * (w - e) - (double) cur * w;
    return free <= 0 ? 0 : (long) Math.floor(free / w);
  }

  private long resetAt(int i, long te) {
    if (!sliding[i]) {
      return a[i * F + V_CUR] > 0 ? a[i * F + V_START] + window[i] : te;
    }
    if (a[i * F + V_CUR] > 0) {
      return a[i * F + V_START] + 2 * window[i];
    }
    return a[i * F + V_PREV] > 0 ? a[i * F + V_START] + window[i] : te;
  }

  private long allowedAt(int i, long te, long c) {
    long w = window[i];
    long s = a[i * F + V_START];
    long p = permits[i];
    long cur = a[i * F + V_CUR];
    if (admits(i, te, c)) {
      // Denied by the share only: it is renewed at the next sync.
      return Math.min(s + w, te + rule.engine.intervalMicros);
    }
    if (!sliding[i]) {
      return s + w;
    }
    return SlidingWindowCounter.allowedAt(s, w, p, cur, a[i * F + V_PREV], c);
  }

  /** Describes the decision {@link #decide} just made, per "Several limits" in the docs. */
  Decision describe(int denied, long c, long t, int instances) {
    view(t, instances);
    int pick = -1;
    long retry = 0;
    long rem = 0;
    long reset = 0;
    for (int i = 0; i < n; i++) {
      long te = a[i * F + V_TE];
      if (denied != 0) {
        if ((denied & (1 << i)) == 0) {
          continue;
        }
        long r = c > permits[i] ? Decision.NEVER : allowedAt(i, te, c) - t;
        if (pick < 0 || r > retry) {
          pick = i;
          retry = r;
        }
      } else {
        long ri = remaining(i, te);
        long si = resetAt(i, te);
        if (pick < 0 || ri < rem || (ri == rem && si > reset)) {
          pick = i;
          rem = ri;
          reset = si;
        }
      }
    }
    if (denied != 0) {
      if (permits[pick] == 0) {
        rem = 0;
        reset = Decision.NEVER;
      } else {
        rem = remaining(pick, a[pick * F + V_TE]);
        reset = resetAt(pick, a[pick * F + V_TE]);
      }
    }
    return new Decision(denied == 0, permits[pick], rem, reset, retry, pick, false);
  }

  /** Whether a sync has something to push or to learn. */
  boolean dirty() {
    if (needsRead) {
      return true;
    }
    for (int i = 0; i < n; i++) {
      if (a[i * F + OWN_CUR] > a[i * F + PUSHED_CUR] || a[i * F + OWN_PREV] > a[i * F + PUSHED_PREV]) {
        return true;
      }
    }
    return false;
  }

  /** Forgets what Redis acknowledged, so the next sync pushes every own count again. */
  void forgetPushed() {
    for (int i = 0; i < n; i++) {
      a[i * F + PUSHED_CUR] = 0;
      a[i * F + PUSHED_PREV] = 0;
    }
  }

  @Override
  boolean evictable(long now) {
    return !queued && idle(now);
  }

  /** Whether every window this state holds is over at {@code now} and nothing waits. */
  boolean idle(long now) {
    for (int i = 0; i < n; i++) {
      if (a[i * F + START] != ABSENT && now < a[i * F + START] + 2 * window[i]) {
        return false;
      }
    }
    return !dirty();
  }

  /**
   * What a sync sends for this state: per limit, the window start and this instance's own
   * counts ({@code -1}: only read; {@code -2}: skip the previous window).
   */
  Snapshot snapshot(long now) {
    needsRead = false;
    // Demand as a rate (per second since the last snapshot), so that instances whose syncs ran
    // late, and so counted over a longer time, do not claim a larger part.
    long elapsed = lastSnapshotMicros == ABSENT ? rule.engine.intervalMicros
        : Math.max(1, now - lastSnapshotMicros);
    lastSnapshotMicros = now;
    long[] s = new long[n];
    long[] oc = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = a[i * F + START];
      oc[i] = a[i * F + OWN_CUR];
    }
    long[] op = new long[n];
    long[] d = new long[n];
    for (int i = 0; i < n; i++) {
      d[i] = (long) Math.ceil(a[i * F + DEMAND] * 1e6 / elapsed);
    }
    for (int i = 0; i < n; i++) {
      op[i] = a[i * F + OWN_PREV] > a[i * F + PUSHED_PREV] ? a[i * F + OWN_PREV] : sliding[i] ? -1 : -2;
    }
    for (int i = 0; i < n; i++) {
      a[i * F + DEMAND] = 0;
    }
    return new Snapshot(this, s, oc, op, d);
  }

  /** Applies the totals a sync read back for {@code sent}. */
  void apply(Snapshot sent, long[] totalCur, long[] totalPrev, long[] totalDemand,
      long[] counted, long now, int instances, boolean byDemand) {
    for (int i = 0; i < n; i++) {
      long s = sent.start[i];
      long o = sent.ownCur[i];
      long tc = totalCur[i];
      if (s == a[i * F + START]) {
        // What this view does not show yet: the others' admissions since their own last push.
        // At the first sync in a window, each instance without a count yet may spend its whole
        // first share (an equal part of the window) before it syncs, which a key exhausted within
        // one interval does; afterwards, STALENESS (a half) of what the others admitted between
        // this instance's last two syncs (their phases are spread over the interval).
        long unseen;
        if (a[i * F + SYNCS_IN_WINDOW] == 0) {
          // Both what the instances without a count may spend of their first share and what
          // the others with a count may still spend of theirs (skewed first rounds: one that
          // pushed part of its first share goes on spending the rest).
          long first = ceilDiv(permits[i], instances);
          unseen = Math.max(Math.max(0, instances - counted[i]) * first,
              Math.max(0, (instances - 1) * first - (tc - o)));
        } else {
          unseen = (long) (STALENESS
              * Math.max(0, (tc - a[i * F + SYNCED_TOTAL_CUR]) - (o - a[i * F + SYNCED_OWN_CUR])));
        }
        a[i * F + SYNCED_TOTAL_CUR] = Math.max(a[i * F + SYNCED_TOTAL_CUR], tc);
        a[i * F + OTHERS_CUR] = Math.max(a[i * F + OTHERS_CUR], tc - o);
        a[i * F + PUSHED_CUR] = Math.max(a[i * F + PUSHED_CUR], o);
        a[i * F + SYNCED_OWN_CUR] = Math.max(a[i * F + SYNCED_OWN_CUR], o);
        a[i * F + SYNCS_IN_WINDOW]++;
        if (totalPrev[i] >= 0) {
          long op = sent.ownPrev[i] >= 0 ? sent.ownPrev[i] : a[i * F + PUSHED_PREV];
          a[i * F + OTHERS_PREV] = Math.max(a[i * F + OTHERS_PREV], totalPrev[i] - op);
          a[i * F + PUSHED_PREV] = Math.max(a[i * F + PUSHED_PREV], sent.ownPrev[i]);
        }
        // Demands are compared only from the second sync in a window on: by then every instance
        // with demand for the key has reported it (each syncs once per interval).
        boolean demands = byDemand && a[i * F + SYNCS_IN_WINDOW] >= 2;
        a[i * F + SHARE] = share(i, now, demands ? totalDemand[i] : 0, sent.demand[i], instances,
            unseen);
      } else if (s + window[i] == a[i * F + START]) {
        // The window turned while the sync was in flight: what was sent is now the previous one.
        a[i * F + OTHERS_PREV] = Math.max(a[i * F + OTHERS_PREV], tc - o);
        a[i * F + PUSHED_PREV] = Math.max(a[i * F + PUSHED_PREV], o);
      }
    }
  }

  /**
   * This instance's share of what is left until its next sync: half an equal part and half in
   * proportion to its part of the demand all instances reported over their last interval, so
   * that the shares of all instances sum to about what is left. Alone, there is no share.
   */
  private long share(int i, long now, long clusterDemand, long ownDemand, int instances,
      long unseen) {
    if (instances <= 1) {
      return UNLIMITED;
    }
    view(now, instances);
    if (a[i * F + V_START] != a[i * F + START]) {
      return a[i * F + SHARE];
    }
    long te = a[i * F + V_TE];
    double part = 1.0 / instances;
    if (clusterDemand > 0) {
      part = (Math.min(1.0, (double) ownDemand / clusterDemand) + part) / 2;
    }
    long left = Math.max(0, remaining(i, te) - unseen);
    // Admissions made after the snapshot was taken already count against the new share.
    return a[i * F + OWN_CUR] - a[i * F + SYNCED_OWN_CUR] + round(left * part, a[i * F + START], a[i * F + SYNCS_IN_WINDOW]);
  }

  /**
   * Rounds a share stochastically, so that the shares of many instances add up to their sum on
   * average: rounding every share down would leave up to one permit per instance unused (and a
   * limit below the instance count would admit nothing), rounding up would over-admit as much.
   * The coin is a hash of the instance, the client, the window and the sync, so a replay draws
   * the same coins.
   */
  private long round(double x, long windowStart, long sync) {
    long whole = (long) Math.floor(x);
    double frac = x - whole;
    if (frac <= 0) {
      return whole;
    }
    long h = mix(rule.engine.instanceSeed ^ mix(client.hashCode() * 0x9E3779B97F4A7C15L
        ^ mix(windowStart + sync * 0xBF58476D1CE4E5B9L)));
    double u = (h >>> 11) * 0x1.0p-53;
    return u < frac ? whole + 1 : whole;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  /** The Redis key of limit {@code i}'s window starting at {@code windowStart}. */
  String redisKey(int i, long windowStart) {
    return rule.engine.keyPrefix + "{" + rule.rule.id() + "|" + client + "}:" + i + ":w"
        + window[i] + ":" + windowStart;
  }

  long windowMicros(int i) {
    return window[i];
  }

  int limitCount() {
    return n;
  }

  /** What one sync sent for one state. */
  record Snapshot(SyncedKeyState state, long[] start, long[] ownCur, long[] ownPrev, long[] demand) {}
}
