package dev.sluice.synced;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;

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
final class KeyState {
  static final long ABSENT = Long.MIN_VALUE;
  /** A share meaning "no share": this instance is alone. */
  static final long UNLIMITED = Long.MAX_VALUE;
  /**
   * The part of the others' admissions over one interval that a view is assumed to miss: their
   * sync phases are spread over the interval, so on average half an interval of their admissions
   * is not pushed yet. The lab measured 0 (ignore it), 0.5 and 1 (docs/distributed.md).
   */
  static final double STALENESS = 0.5;

  final RuleState rule;
  final String client;
  private final int n;
  private final long[] permits;
  private final long[] window;
  private final boolean[] sliding;

  private final long[] start;
  private final long[] ownCur;
  private final long[] othersCur;
  private final long[] pushedCur;
  /** Own count of the current window as sent in the last applied sync. */
  private final long[] syncedOwnCur;
  /** Syncs applied in the current window. */
  private final long[] syncsInWindow;
  /** The cluster's total of the current window at the last applied sync. */
  private final long[] syncedTotalCur;
  private final long[] share;
  /** Requests the view admitted (the share may still have denied them) since the last snapshot. */
  private final long[] demand;
  private final long[] ownPrev;
  private final long[] othersPrev;
  private final long[] pushedPrev;
  // The working view of one decision (see view()), kept to avoid allocating per check.
  private final long[] vTe;
  private final long[] vStart;
  private final long[] vCur;
  private final long[] vPrev;
  private final long[] vSince;
  private final long[] vShare;

  /** When the last snapshot was taken, engine time, or ABSENT. */
  private long lastSnapshotMicros = ABSENT;
  /** Whether this state waits in its rule's dirty queue. */
  boolean queued;
  /** A share denied a request: read the cluster's counts even if nothing new was admitted. */
  boolean needsRead;
  /** Removed from its rule's map by eviction: a check that finds it must look again. */
  boolean removed;

  KeyState(RuleState rule, String client) {
    this.rule = rule;
    this.client = client;
    this.n = rule.limits.length;
    permits = new long[n];
    window = new long[n];
    sliding = new boolean[n];
    for (int i = 0; i < n; i++) {
      Limit l = rule.limits[i];
      permits[i] = l.permits();
      window[i] = l.windowMicros();
      sliding[i] = l.algorithm() == Algorithm.SLIDING_WINDOW_COUNTER;
    }
    start = filled(ABSENT);
    ownCur = new long[n];
    othersCur = new long[n];
    pushedCur = new long[n];
    syncedOwnCur = new long[n];
    syncsInWindow = new long[n];
    syncedTotalCur = new long[n];
    share = filled(UNLIMITED);
    demand = new long[n];
    ownPrev = new long[n];
    othersPrev = new long[n];
    pushedPrev = new long[n];
    vTe = new long[n];
    vStart = new long[n];
    vCur = new long[n];
    vPrev = new long[n];
    vSince = new long[n];
    vShare = new long[n];
  }

  private long[] filled(long v) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, v);
    return a;
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
      if (permits[i] == 0 || c > permits[i] || !admits(i, vTe[i], c)) {
        denied |= 1 << i;
      } else if (vSince[i] + c > vShare[i]) {
        denied |= 1 << i;
        byShare = true;
      }
    }
    if (denied != 0 && byShare) {
      for (int i = 0; i < n; i++) {
        if (vStart[i] == start[i]) {
          demand[i] += c;
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
      roll(i, vTe[i], instances);
      ownCur[i] += c;
      demand[i] += c;
    }
  }

  /** Fills the working view of every limit at {@code t} without writing the state. */
  private void view(long t, int instances) {
    for (int i = 0; i < n; i++) {
      long te = Math.max(t, start[i]);
      long s = te - Math.floorMod(te, window[i]);
      vTe[i] = te;
      vStart[i] = s;
      if (s == start[i]) {
        vCur[i] = othersCur[i] + ownCur[i];
        vPrev[i] = othersPrev[i] + ownPrev[i];
        vSince[i] = ownCur[i] - syncedOwnCur[i];
        vShare[i] = share[i];
      } else {
        vCur[i] = 0;
        vPrev[i] = start[i] != ABSENT && s == start[i] + window[i]
            ? othersCur[i] + ownCur[i] : 0;
        vSince[i] = 0;
        // Not synced in this window yet: an equal part of what is left, whatever the demand.
        vShare[i] = instances <= 1 ? UNLIMITED
            : round((double) remaining(i, te) / instances, s, 0);
      }
    }
  }

  /** Moves limit {@code i} to the window of {@code te}, as the view saw it. */
  private void roll(int i, long te, int instances) {
    long s = vStart[i];
    if (s != start[i]) {
      if (start[i] != ABSENT && s == start[i] + window[i]) {
        ownPrev[i] = ownCur[i];
        othersPrev[i] = othersCur[i];
        pushedPrev[i] = pushedCur[i];
      } else {
        ownPrev[i] = 0;
        othersPrev[i] = 0;
        pushedPrev[i] = 0;
      }
      start[i] = s;
      ownCur[i] = 0;
      othersCur[i] = 0;
      pushedCur[i] = 0;
      syncedOwnCur[i] = 0;
      syncsInWindow[i] = 0;
      syncedTotalCur[i] = 0;
      demand[i] = 0;
      share[i] = vShare[i];
    }
  }

  private boolean admits(int i, long te, long c) {
    long p = permits[i];
    if (!sliding[i]) {
      return vCur[i] + c <= p;
    }
    long w = window[i];
    long e = te - vStart[i];
    long prev = vPrev[i];
    long cur = vCur[i];
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
      return Math.max(0, p - vCur[i]);
    }
    long w = window[i];
    long e = te - vStart[i];
    long prev = vPrev[i];
    long cur = vCur[i];
    if (prev <= p && cur <= p) {
      return Math.max(0, Math.floorDiv(p * w - prev * (w - e) - cur * w, w));
    }
    double free = (double) p * w - (double) prev * (w - e) - (double) cur * w;
    return free <= 0 ? 0 : (long) Math.floor(free / w);
  }

  private long resetAt(int i, long te) {
    if (!sliding[i]) {
      return vCur[i] > 0 ? vStart[i] + window[i] : te;
    }
    if (vCur[i] > 0) {
      return vStart[i] + 2 * window[i];
    }
    return vPrev[i] > 0 ? vStart[i] + window[i] : te;
  }

  private long allowedAt(int i, long te, long c) {
    long w = window[i];
    long s = vStart[i];
    long p = permits[i];
    long cur = vCur[i];
    if (admits(i, te, c)) {
      // Denied by the share only: it is renewed at the next sync.
      return Math.min(s + w, te + rule.engine.intervalMicros);
    }
    if (!sliding[i]) {
      return s + w;
    }
    long prev = vPrev[i];
    long spare = p - cur - c;
    if (spare >= 0 && prev > 0) {
      long at = w - Math.floorDiv(spare * w, prev);
      if (at < w) {
        return s + at;
      }
    }
    if (cur == 0) {
      return s + w;
    }
    if (cur > p) {
      return s + 2 * w;
    }
    return s + w + Math.max(0, w - Math.floorDiv((p - c) * w, cur));
  }

  /** Describes the decision {@link #decide} just made, per "Several limits" in the docs. */
  Decision describe(int denied, long c, long t, int instances) {
    view(t, instances);
    int pick = -1;
    long retry = 0;
    long rem = 0;
    long reset = 0;
    for (int i = 0; i < n; i++) {
      long te = vTe[i];
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
        rem = remaining(pick, vTe[pick]);
        reset = resetAt(pick, vTe[pick]);
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
      if (ownCur[i] > pushedCur[i] || ownPrev[i] > pushedPrev[i]) {
        return true;
      }
    }
    return false;
  }

  /** Forgets what Redis acknowledged, so the next sync pushes every own count again. */
  void forgetPushed() {
    java.util.Arrays.fill(pushedCur, 0);
    java.util.Arrays.fill(pushedPrev, 0);
  }

  /** Whether every window this state holds is over at {@code now} and nothing waits. */
  boolean idle(long now) {
    for (int i = 0; i < n; i++) {
      if (start[i] != ABSENT && now < start[i] + 2 * window[i]) {
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
    long[] s = start.clone();
    long[] oc = ownCur.clone();
    long[] op = new long[n];
    long[] d = new long[n];
    for (int i = 0; i < n; i++) {
      d[i] = (long) Math.ceil(demand[i] * 1e6 / elapsed);
    }
    for (int i = 0; i < n; i++) {
      op[i] = ownPrev[i] > pushedPrev[i] ? ownPrev[i] : sliding[i] ? -1 : -2;
    }
    java.util.Arrays.fill(demand, 0);
    return new Snapshot(this, s, oc, op, d);
  }

  /** Applies the totals a sync read back for {@code sent}. */
  void apply(Snapshot sent, long[] totalCur, long[] totalPrev, long[] totalDemand,
      long[] counted, long now, int instances, boolean byDemand) {
    for (int i = 0; i < n; i++) {
      long s = sent.start[i];
      long o = sent.ownCur[i];
      long tc = totalCur[i];
      if (s == start[i]) {
        // What this view does not show yet: the others' admissions since their own last push.
        // At the first sync in a window, each instance without a count yet may spend its whole
        // first share (an equal part of the window) before it syncs, which a key exhausted within
        // one interval does; afterwards, STALENESS (a half) of what the others admitted between
        // this instance's last two syncs (their phases are spread over the interval).
        long unseen;
        if (syncsInWindow[i] == 0) {
          unseen = Math.max(0, instances - counted[i]) * ceilDiv(permits[i], instances);
        } else {
          unseen = (long) (STALENESS
              * Math.max(0, (tc - syncedTotalCur[i]) - (o - syncedOwnCur[i])));
        }
        syncedTotalCur[i] = Math.max(syncedTotalCur[i], tc);
        othersCur[i] = Math.max(othersCur[i], tc - o);
        pushedCur[i] = Math.max(pushedCur[i], o);
        syncedOwnCur[i] = Math.max(syncedOwnCur[i], o);
        syncsInWindow[i]++;
        if (totalPrev[i] >= 0) {
          long op = sent.ownPrev[i] >= 0 ? sent.ownPrev[i] : pushedPrev[i];
          othersPrev[i] = Math.max(othersPrev[i], totalPrev[i] - op);
          pushedPrev[i] = Math.max(pushedPrev[i], sent.ownPrev[i]);
        }
        // Demands are compared only from the second sync in a window on: by then every instance
        // with demand for the key has reported it (each syncs once per interval).
        boolean demands = byDemand && syncsInWindow[i] >= 2;
        share[i] = share(i, now, demands ? totalDemand[i] : 0, sent.demand[i], instances,
            unseen);
      } else if (s + window[i] == start[i]) {
        // The window turned while the sync was in flight: what was sent is now the previous one.
        othersPrev[i] = Math.max(othersPrev[i], tc - o);
        pushedPrev[i] = Math.max(pushedPrev[i], o);
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
    if (vStart[i] != start[i]) {
      return share[i];
    }
    long te = vTe[i];
    double part = 1.0 / instances;
    if (clusterDemand > 0) {
      part = (Math.min(1.0, (double) ownDemand / clusterDemand) + part) / 2;
    }
    long left = Math.max(0, remaining(i, te) - unseen);
    // Admissions made after the snapshot was taken already count against the new share.
    return ownCur[i] - syncedOwnCur[i] + round(left * part, start[i], syncsInWindow[i]);
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
  record Snapshot(KeyState state, long[] start, long[] ownCur, long[] ownPrev, long[] demand) {}
}
