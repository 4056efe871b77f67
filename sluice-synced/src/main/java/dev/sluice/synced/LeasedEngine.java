package dev.sluice.synced;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.KeyedCheck;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.redis.Topology;
import dev.sluice.redis.link.Script;
import dev.sluice.redis.link.SlotBatches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine that decides every check in this process on leases of permits taken from central
 * pools in Redis ({@code engine.type: leased}, {@code docs/distributed.md}).
 *
 * <p>Per client and limit there is one pool in Redis: for a fixed window, the window's permits
 * (one pool per window); for a token bucket, the bucket. An instance admits a request only out of
 * the lease it holds for every limit of the rule, without any I/O; when a lease cannot pay, the
 * request is denied. Every {@link Builder#syncInterval sync interval} one round ({@link
 * #syncNow()}, one pipelined round per Redis node, one {@code lease.lua} call per batch of up to
 * {@link #BATCH} clients) reports for each client with a lease or demand what it spent and holds,
 * which renews the lease, returns what exceeds twice its target, and takes up to the target: the
 * permits the instance's recent rate spends in two intervals, at least the largest cost seen and at
 * most {@link Builder#maxLeaseFraction} of the limit, and never more than half of what the pool
 * has free (at least one permit while it has any). A lease of a past fixed window is void.
 *
 * <p>Guarantee: the permits admitted in a window (a token bucket: over any time) are at most the
 * permits the pool handed out, so the cluster never admits more than one exact counter would,
 * except after the failures {@code docs/distributed.md} names: a holder that
 * dies returns, when its lease expires, its unspent permits as last reported (so what it spent
 * after its last round counts as unspent), and a Redis that loses its data loses the spending of
 * instances that die with it. Under-admission is the price: permits sitting in other instances'
 * leases, and requests arriving before a first lease. A lease has a time to live in Redis
 * ({@link Builder#leaseTtl}); its holder stops spending it one interval earlier (clock skew up to
 * an interval is safe), and renews it at every round.
 *
 * <p>Supports {@link Algorithm#FIXED_WINDOW} and {@link Algorithm#TOKEN_BUCKET}; the others are
 * refused by {@link #limiter(Rule)} with a message naming the rule and the algorithm.
 *
 * <p>Thread-safe: each client's state has its own monitor; rounds run on one daemon thread (or the
 * caller of {@link #syncNow()}) and never overlap.
 */
// The base's type arguments are package-private states: no caller outside this package sees
// them, since every inherited public method is declared by RateLimiterEngine.
@SuppressWarnings("exports")
public final class LeasedEngine extends LocalEngine<LeasedRuleState, LeasedKeyState> {
  private static final Logger LOG = LoggerFactory.getLogger(LeasedEngine.class);
  private static final Algorithm[] SUPPORTED = {Algorithm.FIXED_WINDOW, Algorithm.TOKEN_BUCKET};
  /** Reports, renews, returns and takes the leases of a batch of clients. */
  private static final Script LEASE = Script.load(LeasedEngine.class::getResourceAsStream,
      "lease.lua");
  /** Answers the mark of Redis's data, set once when missing. */
  private static final Script MARK = Script.load(LeasedEngine.class::getResourceAsStream,
      "mark.lua");

  private final long ttlMicros;
  private final long horizonMicros;
  /** The time constant of a client's rate estimate when its demand falls. */
  private final long decayMicros;
  private final long graceMicros;
  private final double capFraction;
  private final AtomicBoolean wakePending = new AtomicBoolean();

  private final LongAdder misses = new LongAdder();
  private volatile long granted;
  private volatile long lastRoundStartNanos;
  private volatile long lastEntries;
  private volatile long mark = Long.MIN_VALUE;
  private volatile boolean inGrace;

  private LeasedEngine(Builder b) {
    super(settings(b), "leased", SUPPORTED,
        "use engine.type redis for the others, or synced for sliding-window-counter", LOG,
        "lease round");
    this.ttlMicros = ttlMicros(b);
    this.horizonMicros = 2 * intervalMicros;
    this.decayMicros = Math.max(1_000_000L, 4 * intervalMicros);
    this.graceMicros = 2 * intervalMicros;
    this.capFraction = b.maxLeaseFraction;
    startRounds();
  }

  /** The builder's settings, once the lease time to live is known to fit the interval. */
  private static Settings settings(Builder b) {
    ttlMicros(b);
    return b.settings();
  }

  private static long ttlMicros(Builder b) {
    long interval = b.syncInterval.toNanos() / 1_000;
    long ttl = b.leaseTtl == null ? Math.max(1_000_000L, 4 * interval)
        : b.leaseTtl.toNanos() / 1_000;
    if (ttl < 3 * interval) {
      throw new IllegalArgumentException("leaseTtl " + b.leaseTtl + " must be at least three "
          + "sync intervals (" + b.syncInterval.multipliedBy(3) + "): a lease is renewed every "
          + "interval and its holder stops spending it one interval before it expires");
    }
    return ttl;
  }

  /**
   * A builder for an engine on {@code topology}.
   *
   * @throws IllegalArgumentException if the topology is null or sharded (use a Cluster)
   */
  public static Builder builder(Topology topology) {
    return new Builder(topology);
  }

  @Override
  LeasedRuleState newRuleState(Rule rule) {
    return new LeasedRuleState(this, rule);
  }

  /** Spends only if every lease of every check can pay; a missed lease may bring a round. */
  @Override
  Runnable decideAll(List<KeyedCheck> checks, List<LeasedKeyState> state, long now,
      Decision[] parts) {
    int n = state.size();
    int[] denied = new int[n];
    boolean all = true;
    for (int i = 0; i < n; i++) {
      denied[i] = state.get(i).test(now, checks.get(i).cost());
      all &= denied[i] == 0;
    }
    boolean wake = false;
    for (int i = 0; i < n; i++) {
      if (all) {
        state.get(i).consume(checks.get(i).cost());
      }
      wake |= denied[i] != 0 && state.get(i).worthARound(denied[i]);
      parts[i] = state.get(i).describe(denied[i], checks.get(i).cost(), now);
      this.checks.increment();
    }
    return wake ? this::missedLease : null;
  }

  /**
   * A request was denied for want of a lease from a pool that may have permits: with automatic
   * rounds, run one soon (at most one early round per quarter interval) instead of waiting for the
   * next regular one.
   */
  void missedLease() {
    misses.increment();
    if (!rounds.isAutomatic() || closed || !wakePending.compareAndSet(false, true)) {
      return;
    }
    long sinceLast = (System.nanoTime() - lastRoundStartNanos) / 1_000;
    long delay = Math.max(0, intervalMicros / 4 - sinceLast);
    if (!rounds.runSoon(delay, () -> wakePending.set(false))) {
      wakePending.set(false); // closing
    }
  }

  /**
   * Runs one round now: reads the data mark, then per client with a lease or demand reports what
   * it spent and holds, returns the excess and takes what its rate wants, waiting for the answers
   * (at most a few command timeouts). The engine runs a round every sync interval by itself unless
   * built with {@link Builder#autoSync(boolean) autoSync(false)}, for replays on a manual clock.
   *
   * @return whether every command of the round succeeded
   */
  @Override
  public synchronized boolean syncNow() {
    if (closed) {
      return false;
    }
    lastRoundStartNanos = System.nanoTime();
    long began = lastRoundStartNanos;
    long now = timeSource.nowMicros();
    CompletableFuture<List<Object>> markReply = link.run(MARK,
        new String[] {keyPrefix + "{mark}"}, new String[] {Long.toString(now)});
    boolean ok = await(List.of(markReply));
    if (ok) {
      long m = (Long) markReply.join().get(0);
      if (mark != Long.MIN_VALUE && m != mark) {
        restartsDetected++;
        LOG.warn("Redis lost the lease pools (its data mark changed): reporting every lease "
            + "again, no new permits for {} ms", graceMicros / 1_000);
        for (LeasedRuleState r : rules.values()) {
          for (LeasedKeyState s : r.clients.values()) {
            synchronized (s) {
              s.forgetReported();
            }
          }
        }
      }
      mark = m;
      inGrace = now < m + graceMicros;
      List<Group> groups = collect(now);
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (Group g : groups) {
        g.reply = link.run(LEASE, g.keys(), g.args(now));
        pending.add(g.reply);
      }
      ok = await(pending);
      long leaseEnd = now + ttlMicros - intervalMicros;
      long got = 0;
      for (Group g : groups) {
        if (g.reply.isDone() && !g.reply.isCompletedExceptionally()) {
          got += g.apply(g.reply.join(), leaseEnd);
        }
      }
      granted += got;
    }
    return endRound(ok, now, began);
  }

  /** Takes every state's snapshot into script calls: per hash slot, at most {@link #BATCH}. */
  private List<Group> collect(long now) {
    SlotBatches<LeasedKeyState.Snapshot> batches = new SlotBatches<>(link, BATCH);
    long entries = 0;
    for (LeasedRuleState r : rules.values()) {
      for (LeasedKeyState s : r.clients.values()) {
        LeasedKeyState.Snapshot snap;
        synchronized (s) {
          if (s.removed) {
            continue;
          }
          snap = s.snapshot(now, horizonMicros, decayMicros, capFraction);
        }
        if (snap == null) {
          continue;
        }
        entries++;
        batches.add(s.poolKey(0, snap.start()[0]), snap);
      }
    }
    lastEntries = entries;
    return batches.batches().stream().map(Group::new).toList();
  }

  /**
   * What this instance knows of its leases now: for health pages and metrics.
   *
   * @return a consistent-enough snapshot (each figure is read once, not all atomically)
   */
  public LeaseStats stats() {
    long now = timeSource.nowMicros();
    long tracked = 0;
    long leased = 0;
    for (LeasedRuleState r : rules.values()) {
      for (LeasedKeyState s : r.clients.values()) {
        tracked++;
        synchronized (s) {
          leased += s.leased(now);
        }
      }
    }
    return new LeaseStats(instanceId, intervalMicros, ttlMicros, rounds.count(), rounds.failed(),
        rounds.consecutiveFailures(), rounds.sinceSuccessMicros(now), rounds.lastRoundMicros(),
        lastEntries, tracked, leased, granted, commands.sum(), checks.sum(), misses.sum(),
        restartsDetected, inGrace, rounds.lastError());
  }

  @Override
  public String toString() {
    return "LeasedEngine[" + link.describe() + ", every " + intervalMicros + "us, lease ttl "
        + ttlMicros + "us, id " + instanceId + "]";
  }

  /** The clients of one script call, all in one hash slot on a Cluster. */
  private final class Group {
    final List<LeasedKeyState.Snapshot> states;
    CompletableFuture<List<Object>> reply;

    Group(List<LeasedKeyState.Snapshot> states) {
      this.states = states;
    }

    String[] keys() {
      List<String> keys = new ArrayList<>();
      for (LeasedKeyState.Snapshot s : states) {
        LeasedKeyState k = s.state();
        for (int i = 0; i < k.limitCount(); i++) {
          keys.add(k.poolKey(i, s.start()[i]));
        }
      }
      return keys.toArray(new String[0]);
    }

    String[] args(long now) {
      List<String> args = new ArrayList<>();
      args.add(instanceId);
      args.add(Long.toString(now));
      args.add(Long.toString(ttlMicros));
      args.add(inGrace ? "0" : "1");
      args.add(Long.toString(mark));
      for (LeasedKeyState.Snapshot s : states) {
        LeasedKeyState k = s.state();
        for (int i = 0; i < k.limitCount(); i++) {
          long w = k.windowMicros(i);
          long p = k.permits(i);
          long liveMicros;
          if (k.bucket(i)) {
            long perWindow = k.rule.limits[i].permits();
            args.add("1");
            args.add(Long.toString(p));
            args.add(perWindow == 0 ? "0" : Double.toString((double) perWindow / w));
            // Long enough to refill from empty: an expired bucket is recreated full.
            liveMicros = perWindow == 0 ? w : (long) Math.min(Limit.MAX_TIME,
                Math.ceil((double) p * w / perWindow));
          } else {
            args.add("0");
            args.add(Long.toString(p));
            args.add("0");
            liveMicros = Math.max(0, s.start()[i] + w - now);
          }
          args.add(Long.toString(s.spent()[i]));
          args.add(Long.toString(s.held()[i]));
          args.add(Long.toString(s.want()[i]));
          args.add(Long.toString((liveMicros + ttlMicros) / 1_000 + 1_000));
        }
      }
      return args.toArray(new String[0]);
    }

    /** Applies the replies; returns the permits granted. */
    long apply(List<Object> reply, long leaseEnd) {
      int j = 0;
      long sum = 0;
      for (LeasedKeyState.Snapshot s : states) {
        LeasedKeyState k = s.state();
        int n = k.limitCount();
        long[] confirmed = new long[n];
        long[] got = new long[n];
        long[] free = new long[n];
        long[] stored = new long[n];
        for (int i = 0; i < n; i++) {
          confirmed[i] = (Long) reply.get(j++);
          got[i] = (Long) reply.get(j++);
          free[i] = (Long) reply.get(j++);
          stored[i] = (Long) reply.get(j++);
          sum += got[i];
        }
        synchronized (k) {
          if (!k.removed) {
            k.apply(s, confirmed, got, free, stored, leaseEnd);
          }
        }
      }
      return sum;
    }
  }

  /** Configures a {@link LeasedEngine}; not thread-safe, validates each value when set. */
  public static final class Builder extends LocalEngineBuilder<Builder> {
    private Duration leaseTtl;
    private double maxLeaseFraction = 0.1;

    private Builder(Topology topology) {
      super(topology, "leased");
    }

    /**
     * How long a lease lives in Redis without renewal; default four sync intervals, at least 1 s.
     * A holder that dies gets its unspent permits back to the pool after at most this. Checked
     * at {@link #build()}: at least three sync intervals.
     *
     * @throws IllegalArgumentException if below 3 ms or not whole microseconds
     */
    public Builder leaseTtl(Duration ttl) {
      this.leaseTtl = BuilderChecks.wholeMicros("leaseTtl", ttl, Duration.ofMillis(3));
      return this;
    }

    /**
     * The largest lease one instance holds for one pool, as a fraction of the limit's permits
     * (a token bucket: of its capacity); default 0.1. A lease is never smaller than the largest
     * cost requested, so one request always fits.
     *
     * @throws IllegalArgumentException unless {@code 0 < fraction <= 1}
     */
    public Builder maxLeaseFraction(double fraction) {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException(
            "maxLeaseFraction " + fraction + " must be > 0 and <= 1");
      }
      this.maxLeaseFraction = fraction;
      return this;
    }

    /**
     * Builds the engine; it connects to Redis at its first round.
     *
     * @throws IllegalArgumentException if the lease time to live is below three sync intervals
     */
    public LeasedEngine build() {
      return new LeasedEngine(this);
    }
  }
}
