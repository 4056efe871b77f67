package dev.sluice.synced;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.KeyedCheck;
import dev.sluice.Rule;
import dev.sluice.redis.Topology;
import dev.sluice.redis.link.Script;
import dev.sluice.redis.link.SlotBatches;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An engine that decides every check in this process and shares its counts through Redis once
 * per sync interval ({@code engine.type: synced}, {@code docs/distributed.md}).
 *
 * <p>Per client and limit it keeps what the other instances had consumed in the current (and,
 * for the sliding window counter, the previous) fixed window at the last sync, plus what this
 * instance has consumed in them; a request is decided on their sum with the arithmetic of
 * {@code docs/algorithms.md}. Every interval, {@link #syncNow()} pushes the counts of the clients
 * touched since the last sync in one pipelined round per Redis node (one script call per batch of
 * clients, per hash slot on a Cluster) and reads back the cluster's totals. Clients untouched in
 * an interval cost nothing. Each instance's count is a field of its own in a Redis hash per window
 * and is sent as an absolute value, so a repeated push never counts twice and a Redis that lost its
 * data is refilled by the next push.
 *
 * <p>Hot keys: between syncs an instance admits at most its <em>share</em> of what its view had
 * left at its last sync, less what the others are estimated to have admitted and not pushed yet;
 * the shares of the live instances sum to about what was left, so N instances cannot each admit a
 * full limit before they sync. The share is an equal part ({@link Builder#sharesByDemand} makes
 * half of it follow the instances' reported demand). Live instances are counted through a heartbeat in Redis, and never fewer
 * than {@link Builder#expectedInstances}. A key is hot when its share binds;
 * {@link SyncStats#shareDenials()} counts those denials.
 *
 * <p>Supports {@link Algorithm#FIXED_WINDOW} and {@link Algorithm#SLIDING_WINDOW_COUNTER}; other
 * algorithms are refused by {@link #limiter(Rule)}. Decisions are never marked degraded: an
 * instance that cannot reach Redis keeps deciding on its last view within its share, which
 * {@link #stats()} shows (last sync age, consecutive failures).
 *
 * <p>Memory: a client's state is dropped once both its windows are over and it has nothing left to
 * push (checked every 16 rounds, a walk over the clients in memory, not in Redis); a rule's
 * state lives as long as the engine.
 *
 * <p>Thread-safe: each client's state has its own monitor; syncs run on one daemon thread (or
 * the caller of {@link #syncNow()}) and never overlap.
 */
// The base's type arguments are package-private states: no caller outside this package sees
// them, since every inherited public method is declared by RateLimiterEngine.
@SuppressWarnings("exports")
public final class SyncedEngine extends LocalEngine<SyncedRuleState, SyncedKeyState> {
  private static final Logger LOG = LoggerFactory.getLogger(SyncedEngine.class);
  private static final Algorithm[] SUPPORTED =
      {Algorithm.FIXED_WINDOW, Algorithm.SLIDING_WINDOW_COUNTER};
  /** Pushes a batch of clients' own counts and answers the cluster's totals. */
  private static final Script SYNC = Script.load(SyncedEngine.class::getResourceAsStream,
      "sync.lua");
  /** Counts the live instances and answers the mark of Redis's data. */
  private static final Script HEARTBEAT =
      Script.load(SyncedEngine.class::getResourceAsStream, "heartbeat.lua");

  /** Seeds the coins of share rounding (SyncedKeyState.round): differs between instances. */
  final long instanceSeed;
  private final int expectedInstances;
  private final long heartbeatMicros;
  private final boolean sharesByDemand;

  final LongAdder shareDenials = new LongAdder();
  private volatile int liveInstances = 1;
  private volatile long lastHeartbeatMicros = Long.MIN_VALUE;
  /** The mark Redis's data carried at the last heartbeat; another one means it lost them. */
  private volatile String dataMark;

  private SyncedEngine(Builder b) {
    super(b.settings(), "synced", SUPPORTED,
        "use engine.type redis for the others", LOG, "sync round");
    this.instanceSeed = b.instanceId.hashCode() * 0x9E3779B97F4A7C15L;
    this.expectedInstances = b.expectedInstances;
    this.heartbeatMicros = Math.max(intervalMicros, 1_000_000L);
    this.sharesByDemand = b.sharesByDemand;
    startRounds();
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
  SyncedRuleState newRuleState(Rule rule) {
    return new SyncedRuleState(this, rule);
  }

  /** Admissions are queued for the next sync like any other. */
  @Override
  Runnable decideAll(List<KeyedCheck> checks, List<SyncedKeyState> state, long now,
      Decision[] parts) {
    int instances = instances();
    int n = state.size();
    int[] denied = new int[n];
    boolean all = true;
    for (int i = 0; i < n; i++) {
      denied[i] = state.get(i).test(now, checks.get(i).cost(), instances);
      all &= denied[i] == 0;
    }
    for (int i = 0; i < n; i++) {
      if (all) {
        state.get(i).consume(checks.get(i).cost(), instances);
      }
      parts[i] = state.get(i).describe(denied[i], checks.get(i).cost(), now, instances);
      state.get(i).rule.queueIfDirty(state.get(i)); // every monitor is held here
      this.checks.increment();
    }
    return null;
  }

  /** The live instances counted at the last heartbeat, and at least the expected number. */
  int instances() {
    return Math.max(expectedInstances, liveInstances);
  }

  /**
   * Runs one sync now: pushes the counts of every client touched since the last sync and reads
   * back the cluster's totals, waiting for the answers (at most a few command timeouts). The
   * engine calls this every sync interval by itself unless built with
   * {@link Builder#autoSync(boolean) autoSync(false)}, for replays on a manual clock.
   *
   * @return whether every command of the round succeeded
   */
  @Override
  public synchronized boolean syncNow() {
    if (closed) {
      return false;
    }
    long began = System.nanoTime();
    long now = timeSource.nowMicros();
    List<Group> groups = collect(now);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    CompletableFuture<List<Object>> beat = null;
    long lastBeat = lastHeartbeatMicros;
    if (lastBeat == Long.MIN_VALUE || now - lastBeat >= heartbeatMicros || lastBeat > now) {
      String set = keyPrefix + "{instances}";
      beat = link.run(HEARTBEAT, new String[] {set, set + ":epoch"}, new String[] {
          instanceId, Long.toString(now), Long.toString(now - 3 * heartbeatMicros),
          Long.toString(Math.max(1_000, 6 * heartbeatMicros / 1_000)),
          UUID.randomUUID().toString()});
      pending.add(beat);
    }
    for (Group g : groups) {
      g.reply = link.run(SYNC, g.keys(), g.args(instanceId));
      pending.add(g.reply);
    }
    boolean ok = await(pending);
    boolean restarted = false;
    if (beat != null && !beat.isCompletedExceptionally()) {
      List<Object> r = beat.join();
      liveInstances = (int) Math.max(1, (Long) r.get(0));
      String mark = String.valueOf(r.get(1));
      restarted = dataMark != null && !dataMark.equals(mark);
      dataMark = mark;
      lastHeartbeatMicros = now;
    }
    int live = instances();
    for (Group g : groups) {
      if (g.reply.isDone() && !g.reply.isCompletedExceptionally()) {
        g.apply(g.reply.join(), now, live, sharesByDemand);
      } else {
        g.requeue();
      }
    }
    if (restarted) {
      restartsDetected++;
      LOG.warn("Redis lost the synced counts (its data mark changed): pushing all again");
      for (SyncedRuleState r : rules.values()) {
        for (SyncedKeyState s : r.clients.values()) {
          synchronized (s) {
            s.forgetPushed();
            r.queueIfDirty(s);
          }
        }
      }
    }
    return endRound(ok, now, began);
  }

  /** Drains the dirty queues into script calls: per hash slot, at most {@link #BATCH} each. */
  private List<Group> collect(long now) {
    SlotBatches<SyncedKeyState.Snapshot> batches = new SlotBatches<>(link, BATCH);
    for (SyncedRuleState r : rules.values()) {
      // Only the states queued when the round began: a state that checks queue again while the
      // round collects must wait for the next round, or a hot key would be sent several times in
      // one round and its "last two syncs" would span no time at all, which inflates its share.
      int queued = r.dirty.size();
      for (SyncedKeyState s; queued-- > 0 && (s = r.dirty.poll()) != null; ) {
        SyncedKeyState.Snapshot snap;
        synchronized (s) {
          s.queued = false;
          if (s.removed) {
            continue;
          }
          snap = s.snapshot(now);
        }
        batches.add(s.redisKey(0, snap.start()[0]), snap);
      }
    }
    return batches.batches().stream().map(Group::new).toList();
  }

  /**
   * What this instance knows of its syncing now: for health pages and metrics.
   *
   * @return a consistent-enough snapshot (each figure is read once, not all atomically)
   */
  public SyncStats stats() {
    long now = timeSource.nowMicros();
    long pendingKeys = 0;
    long tracked = 0;
    for (SyncedRuleState r : rules.values()) {
      pendingKeys += r.dirty.size();
      tracked += r.clients.size();
    }
    return new SyncStats(instanceId, intervalMicros, rounds.count(), rounds.failed(),
        rounds.consecutiveFailures(), rounds.sinceSuccessMicros(now), rounds.lastRoundMicros(),
        pendingKeys, tracked, instances(), commands.sum(), checks.sum(), shareDenials.sum(),
        restartsDetected, rounds.lastError());
  }

  @Override
  public String toString() {
    return "SyncedEngine[" + link.describe() + ", every " + intervalMicros + "us, id "
        + instanceId + "]";
  }

  /** The clients of one script call, all in one hash slot on a Cluster. */
  private static final class Group {
    final List<SyncedKeyState.Snapshot> states;
    CompletableFuture<List<Object>> reply;

    Group(List<SyncedKeyState.Snapshot> states) {
      this.states = states;
    }

    String[] keys() {
      List<String> keys = new ArrayList<>();
      for (SyncedKeyState.Snapshot s : states) {
        SyncedKeyState k = s.state();
        for (int i = 0; i < k.limitCount(); i++) {
          keys.add(k.redisKey(i, s.start()[i]));
          keys.add(k.redisKey(i, s.start()[i] - k.windowMicros(i)));
        }
      }
      return keys.toArray(new String[0]);
    }

    String[] args(String id) {
      List<String> args = new ArrayList<>();
      args.add(id);
      for (SyncedKeyState.Snapshot s : states) {
        SyncedKeyState k = s.state();
        for (int i = 0; i < k.limitCount(); i++) {
          args.add(Long.toString(s.ownCur()[i]));
          args.add(Long.toString(s.ownPrev()[i]));
          args.add(Long.toString(s.demand()[i]));
          // Two windows and a margin: the previous window is read for a whole window more.
          args.add(Long.toString(Math.max(1_000, (2 * k.windowMicros(i)) / 1_000 + 1_000)));
        }
      }
      return args.toArray(new String[0]);
    }

    void apply(List<Object> totals, long now, int instances, boolean byDemand) {
      int j = 0;
      for (SyncedKeyState.Snapshot s : states) {
        SyncedKeyState k = s.state();
        int n = k.limitCount();
        long[] cur = new long[n];
        long[] prev = new long[n];
        long[] demand = new long[n];
        long[] counted = new long[n];
        for (int i = 0; i < n; i++) {
          cur[i] = (Long) totals.get(j++);
          prev[i] = (Long) totals.get(j++);
          demand[i] = (Long) totals.get(j++);
          counted[i] = (Long) totals.get(j++);
        }
        synchronized (k) {
          k.apply(s, cur, prev, demand, counted, now, instances, byDemand);
          k.rule.queueIfDirty(k);
        }
      }
    }

    void requeue() {
      for (SyncedKeyState.Snapshot s : states) {
        SyncedKeyState k = s.state();
        synchronized (k) {
          k.needsRead = true;
          k.rule.queueIfDirty(k);
        }
      }
    }
  }

  /** Configures a {@link SyncedEngine}; not thread-safe, validates each value when set. */
  public static final class Builder extends LocalEngineBuilder<Builder> {
    private int expectedInstances = 1;
    private boolean sharesByDemand = false;

    private Builder(Topology topology) {
      super(topology, "synced");
    }

    /**
     * The fewest instances to assume when dividing a hot key's remainder into shares, before and
     * besides the heartbeat count; default 1. Set it to the fleet size so that instances starting
     * at once, which have not yet seen each other's heartbeats, do not each admit a full limit.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder expectedInstances(int instances) {
      if (instances < 1) {
        throw new IllegalArgumentException("expectedInstances " + instances + " must be >= 1");
      }
      this.expectedInstances = instances;
      return this;
    }

    /**
     * Whether a hot key's share is only an equal part of what is left (false, the default), or
     * half an equal part and half in proportion to this instance's part of the demand the
     * instances reported at their last syncs (true). Demand shares help when a load balancer
     * sends a key's traffic to one instance (equal shares hold it to {@code 1/N} of the remainder
     * per interval), but their sum is not bounded while demands shift between reports
     * (docs/distributed.md, "Hot keys").
     */
    public Builder sharesByDemand(boolean byDemand) {
      this.sharesByDemand = byDemand;
      return this;
    }

    /** Builds the engine; it connects to Redis at its first sync. */
    public SyncedEngine build() {
      return new SyncedEngine(this);
    }
  }
}
