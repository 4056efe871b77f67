package dev.sluice.synced;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;

/**
 * One client's leases under one rule: per limit, the permits this instance holds from the
 * limit's central pool in Redis and may spend without asking, until the lease expires (fixed
 * window: or the window turns), plus what it has spent in the window and its recent demand.
 *
 * <p>A request is admitted when every limit's lease holds its cost; it then takes the cost from
 * every lease. Nothing here reads Redis: {@link LeasedEngine#syncNow()} sizes, renews, tops up and
 * returns leases from {@link #snapshot} and {@link #apply}. Guarded by its own monitor: every
 * method but the constructor is called holding it.
 */
final class LeasedKeyState extends ClientState {
  static final long ABSENT = Long.MIN_VALUE;

  final LeasedRuleState rule;
  private final int n;
  private final long[] permits;
  private final long[] window;
  private final boolean[] bucket;
  /** Fixed window: the window the leases are for (ABSENT before the first request). */
  private final long[] start;
  /** Permits held and not spent. */
  private final long[] held;
  /** When this instance stops spending the lease (engine time); ABSENT with nothing held. */
  private final long[] expiry;
  /** Fixed window: permits spent in the window (what the pool's s:id field reaches). */
  private final long[] spent;
  /** Permits requested (admitted or not) since the last snapshot. */
  private final long[] demand;
  /** Permits per second, a moving average over the rounds. */
  private final double[] rate;
  /** The free permits the pool reported at the last round, or -1. */
  private final long[] poolFree;
  /**
   * Whether {@link #spent} includes what the pool stored for this instance (a state created anew
   * learns it at its first round, before it can spend: it has no lease yet).
   */
  private final boolean[] based;
  /** The held and spent counts Redis confirmed at the last applied round. */
  private final long[] reportedHeld;
  private final long[] reportedSpent;
  /** The largest cost requested, so that a lease can always hold one request. */
  private long largestCost = 1;
  private long lastSnapshotMicros = ABSENT;

  LeasedKeyState(LeasedRuleState rule, String client) {
    super(client);
    this.rule = rule;
    this.n = rule.limits.length;
    permits = new long[n];
    window = new long[n];
    bucket = new boolean[n];
    for (int i = 0; i < n; i++) {
      Limit l = rule.limits[i];
      bucket[i] = l.algorithm() == Algorithm.TOKEN_BUCKET;
      permits[i] = bucket[i] ? l.burst() : l.permits();
      window[i] = l.windowMicros();
    }
    start = new long[n];
    java.util.Arrays.fill(start, ABSENT);
    held = new long[n];
    expiry = new long[n];
    java.util.Arrays.fill(expiry, ABSENT);
    spent = new long[n];
    demand = new long[n];
    rate = new double[n];
    poolFree = new long[n];
    java.util.Arrays.fill(poolFree, -1);
    reportedHeld = new long[n];
    reportedSpent = new long[n];
    based = new boolean[n];
  }

  /**
   * Evaluates a request of {@code c} at {@code t} without consuming: returns the bit set of
   * limits whose lease cannot pay it (0: every lease can). Moves fixed-window limits into the
   * window of {@code t} (a lease of a past window is void) and drops expired leases; records the
   * demand.
   */
  int test(long t, long c) {
    largestCost = Math.max(largestCost, c);
    int denied = 0;
    for (int i = 0; i < n; i++) {
      roll(i, t);
      demand[i] += c;
      if (permits[i] == 0 || c > permits[i] || held[i] < c) {
        denied |= 1 << i;
      }
    }
    return denied;
  }

  /**
   * Whether a denial with bit set {@code denied} may end at a round sooner than the next regular
   * one: some denying limit's pool is not known to be exhausted.
   */
  boolean worthARound(int denied) {
    for (int i = 0; i < n; i++) {
      if ((denied & (1 << i)) != 0 && permits[i] > 0 && poolFree[i] != 0) {
        return true;
      }
    }
    return false;
  }

  /** Takes {@code c} from every lease, as {@link #test} just admitted. */
  void consume(long c) {
    for (int i = 0; i < n; i++) {
      held[i] -= c;
      spent[i] += c;
    }
  }

  private void roll(int i, long t) {
    if (!bucket[i]) {
      long s = t - Math.floorMod(t, window[i]);
      // A request whose timestamp runs back into an earlier window is decided on the current
      // one's lease, as the in-memory engine decides it on the current window.
      if (start[i] == ABSENT || s > start[i]) {
        start[i] = s;
        held[i] = 0;
        spent[i] = 0;
        expiry[i] = ABSENT;
        poolFree[i] = -1;
        reportedHeld[i] = 0;
        reportedSpent[i] = 0;
        based[i] = false;
      }
    }
    if (held[i] > 0 && t >= expiry[i]) {
      held[i] = 0;
      expiry[i] = ABSENT;
    }
  }

  /** Permits held in unexpired leases at {@code now}. */
  long leased(long now) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      if (held[i] > 0 && now < expiry[i]) {
        sum += held[i];
      }
    }
    return sum;
  }

  /** Describes the decision {@link #test} (and {@link #consume}) just made at {@code t}. */
  Decision describe(int denied, long c, long t) {
    int pick = -1;
    long rem = 0;
    long reset = 0;
    long retry = 0;
    for (int i = 0; i < n; i++) {
      long ri = held[i] + Math.max(0, poolFree[i]);
      long si = bucket[i] ? t : start[i] + window[i];
      if (denied != 0) {
        if ((denied & (1 << i)) == 0) {
          continue;
        }
        long r;
        if (permits[i] == 0 || c > permits[i]) {
          r = Decision.NEVER;
        } else if (!bucket[i] && poolFree[i] == 0) {
          r = start[i] + window[i] - t;
        } else {
          // The next round may bring a lease.
          r = Math.min(rule.engine.intervalMicros, bucket[i] ? Long.MAX_VALUE
              : start[i] + window[i] - t);
        }
        if (pick < 0 || r > retry) {
          pick = i;
          retry = r;
          rem = ri;
          reset = permits[i] == 0 ? Decision.NEVER : si;
        }
      } else if (pick < 0 || ri < rem) {
        pick = i;
        rem = ri;
        reset = si;
      }
    }
    return new Decision(denied == 0, bucket[pick] ? rule.limits[pick].permits() : permits[pick],
        rem, reset, retry, pick, false);
  }

  /**
   * What the next round sends for this state at {@code now}, or null when nothing: per limit the
   * pool, what was spent, what is held and how many more permits are wanted. Updates the rate
   * estimate, drops expired leases, and gives up now (returns) what is held beyond twice the
   * target: the returned permits are no longer spendable here before Redis frees them.
   */
  Snapshot snapshot(long now, long horizonMicros, long decayMicros, double capFraction) {
    long elapsed = lastSnapshotMicros == ABSENT ? rule.engine.intervalMicros
        : Math.max(1, now - lastSnapshotMicros);
    lastSnapshotMicros = now;
    boolean send = false;
    long[] want = new long[n];
    long[] heldNow = new long[n];
    long[] spentNow = new long[n];
    long[] poolStart = new long[n];
    for (int i = 0; i < n; i++) {
      if (held[i] > 0 && now >= expiry[i]) {
        held[i] = 0;
        expiry[i] = ABSENT;
      }
      // Up at once, down with a time constant of decayMicros: a burst gets its lease at the next
      // round, and a sparse client (a request every few seconds) keeps a lease of one request
      // between its requests instead of being denied each first request after a quiet spell.
      double r = demand[i] * 1e6 / elapsed;
      rate[i] = Math.max(r, rate[i] * Math.exp(-(double) elapsed / decayMicros));
      if (rate[i] < 1e-3) {
        rate[i] = 0;
      }
      demand[i] = 0;
      boolean pastWindow = !bucket[i] && start[i] != ABSENT && now >= start[i] + window[i];
      if (pastWindow) {
        held[i] = 0; // a lease of a past window is void; the pool expires with the window
        expiry[i] = ABSENT;
      }
      long target = 0;
      if (rate[i] > 0 && !pastWindow && permits[i] > 0) {
        long cap = Math.max(largestCost, (long) Math.ceil(permits[i] * capFraction));
        target = Math.min(cap, Math.max(largestCost,
            (long) Math.ceil(rate[i] * horizonMicros / 1e6)));
      }
      if (held[i] > 2 * target) {
        held[i] = target; // return the excess
        if (target == 0) {
          expiry[i] = ABSENT;
        }
      }
      want[i] = Math.max(0, target - held[i]);
      heldNow[i] = held[i];
      spentNow[i] = based[i] ? spent[i] : -1;
      poolStart[i] = start[i];
      // A lease held is reported every round (its renewal), one returned once; spending not yet
      // confirmed is reported; and permits are asked for while there is demand.
      if (want[i] > 0 || heldNow[i] > 0 || heldNow[i] != reportedHeld[i]
          || (based[i] && spentNow[i] != reportedSpent[i])) {
        send = true;
      }
    }
    if (!send) {
      return null;
    }
    return new Snapshot(this, now, poolStart, spentNow, heldNow, want);
  }

  /**
   * Applies what the round read back for {@code sent}: per limit the held count Redis confirmed
   * (before the grant), the permits granted, and what the pool has free.
   */
  void apply(Snapshot sent, long[] confirmed, long[] granted, long[] free, long[] stored,
      long leaseEnd) {
    for (int i = 0; i < n; i++) {
      if (!bucket[i] && start[i] != sent.start[i]) {
        continue; // the window turned: that lease is void here
      }
      if (!based[i]) {
        spent[i] += stored[i]; // nothing was spent without a lease, whatever since the snapshot
        based[i] = true;
      }
      // Spending since the snapshot came out of what was sent; Redis may have trimmed it.
      long trimmed = sent.held[i] - confirmed[i];
      held[i] = Math.max(0, held[i] - trimmed) + granted[i];
      poolFree[i] = free[i];
      reportedHeld[i] = confirmed[i] + granted[i];
      reportedSpent[i] = Math.max(reportedSpent[i],
          sent.spent[i] < 0 ? stored[i] : sent.spent[i]);
      if (held[i] > 0) {
        expiry[i] = leaseEnd;
      } else {
        expiry[i] = ABSENT;
      }
    }
  }

  /** Forgets what Redis confirmed, so the next round reports every count again. */
  void forgetReported() {
    java.util.Arrays.fill(reportedHeld, -1);
    java.util.Arrays.fill(reportedSpent, -1);
  }

  @Override
  boolean evictable(long now) {
    return idle(now);
  }

  /** Whether nothing is held, nothing waits to be reported, and no window is current. */
  boolean idle(long now) {
    for (int i = 0; i < n; i++) {
      if (held[i] > 0 || rate[i] > 0 || demand[i] > 0 || reportedHeld[i] != 0
          || reportedSpent[i] != spent[i]) {
        return false;
      }
      if (!bucket[i] && start[i] != ABSENT && now < start[i] + window[i]) {
        return false;
      }
    }
    return true;
  }

  /** The pool's Redis key of limit {@code i} for the window starting at {@code windowStart}. */
  String poolKey(int i, long windowStart) {
    String base = rule.engine.keyPrefix + "{" + rule.rule.id() + "|" + client + "}:" + i;
    return bucket[i] ? base + ":tb" + window[i] : base + ":w" + window[i] + ":" + windowStart;
  }

  boolean bucket(int i) {
    return bucket[i];
  }

  long permits(int i) {
    return permits[i];
  }

  long windowMicros(int i) {
    return window[i];
  }

  int limitCount() {
    return n;
  }

  /** What one round sent for one state. */
  record Snapshot(LeasedKeyState state, long now, long[] start, long[] spent, long[] held,
      long[] want) {}
}
