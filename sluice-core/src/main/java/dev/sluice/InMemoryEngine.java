package dev.sluice;

import dev.sluice.internal.KeyHasher;
import dev.sluice.internal.LimiterTable;
import dev.sluice.spi.Checks;
import dev.sluice.spi.InlineEngine;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded engine, Sluice's default: rate-limit state in this process's heap.
 *
 * <p>State lives in compact primitive tables, one per rule: a row per client holding a 64-bit
 * seeded hash of the client key and a few {@code long}s per limit, with no object per client
 * (except for {@link Algorithm#SLIDING_WINDOW_LOG}, whose log is an array by nature). Client keys
 * are hashed with SipHash-1-3 under a per-process random key, so crafted keys cannot force
 * collisions; two keys whose 64-bit hashes collide would share state, which for a million
 * clients happens with probability about 2^-25 (n^2 / 2^65).
 *
 * <p>Thread-safe without a global lock: each table is split into segments, each guarded by its
 * own short spin lock held only for the few hundred nanoseconds of one decision. Most decisions
 * take no segment lock at all: a known client of a one-limit token-bucket rule is decided by one
 * CAS on its row, other known clients under a lock bit in their own row, and denials of a
 * throttled client by reads alone.
 *
 * <p>Memory is bounded three ways: states that have returned to their initial value are dropped
 * (see {@code docs/algorithms.md}, "Eviction"); {@link Builder#maxClientsPerRule} caps the rows
 * per rule (what the cap trades away is documented there); and a rule's state lives only while
 * some {@link RateLimiter} for it is reachable, so rules replaced by a configuration reload do not
 * keep their clients forever. Keep a reference to the limiter of every rule in force.
 *
 * <p>Multi-key checks ({@link #checkAll}) lock the segments of every part in one global order,
 * decide all parts, and consume all or none; they decide in the calling thread
 * ({@link #decidesInline()}). Affinities are ignored: nothing is sharded.
 */
public final class InMemoryEngine implements InlineEngine {
  private final TimeSource timeSource;
  private final long maxClientsPerRule;
  private final long graceMicros;
  private final KeyHasher hasher = new KeyHasher();
  private final ConcurrentHashMap<Rule, TableRef> tables = new ConcurrentHashMap<>();
  private final ReferenceQueue<LimiterTable> released = new ReferenceQueue<>();

  private InMemoryEngine(Builder b) {
    this.timeSource = b.timeSource;
    this.maxClientsPerRule = b.maxClientsPerRule;
    this.graceMicros = b.graceMicros;
  }

  /** An engine on the system time source with no client cap. */
  public static InMemoryEngine create() {
    return builder().build();
  }

  /** A builder with the defaults: system time, no client cap, one second of eviction grace. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public RateLimiter limiter(Rule rule) {
    if (rule == null) {
      throw new IllegalArgumentException("rule must not be null");
    }
    purgeReleased();
    while (true) {
      TableRef ref = tables.get(rule);
      LimiterTable table = ref == null ? null : ref.get();
      if (table != null) {
        return new InMemoryRateLimiter(table, hasher, timeSource);
      }
      LimiterTable fresh = new LimiterTable(rule, maxClientsPerRule, graceMicros);
      TableRef freshRef = new TableRef(rule, fresh, released);
      boolean won = ref == null ? tables.putIfAbsent(rule, freshRef) == null
          : tables.replace(rule, ref, freshRef);
      if (won) {
        return new InMemoryRateLimiter(fresh, hasher, timeSource);
      }
    }
  }

  @Override
  public MultiDecision checkAll(List<KeyedCheck> checks, long nowMicros) {
    Checks.keyedChecks(checks);
    Checks.timestamp(nowMicros);
    int m = checks.size();
    LimiterTable[] t = new LimiterTable[m];
    long[] hashes = new long[m];
    long[] costs = new long[m];
    for (int i = 0; i < m; i++) {
      KeyedCheck c = checks.get(i);
      if (!(c.limiter() instanceof InMemoryRateLimiter l) || l.hasher() != hasher) {
        throw new IllegalArgumentException("check " + i + " (rule '" + c.limiter().rule().id()
            + "') has a limiter of another engine: " + c.limiter());
      }
      t[i] = l.table();
      hashes[i] = hasher.hash(c.key());
      costs[i] = c.cost();
    }
    return MultiDecision.of(Arrays.asList(LimiterTable.checkAll(t, hashes, costs, nowMicros)));
  }

  /** Forgets the map entries of rules whose limiters have all been collected. */
  private void purgeReleased() {
    for (Object r; (r = released.poll()) != null; ) {
      TableRef ref = (TableRef) r;
      tables.remove(ref.rule, ref);
    }
  }

  @Override
  public TimeSource timeSource() {
    return timeSource;
  }

  /** The number of (client, rule) states currently held, over all rules. */
  public long trackedClients() {
    long n = 0;
    for (TableRef ref : tables.values()) {
      LimiterTable t = ref.get();
      n += t == null ? 0 : t.size();
    }
    return n;
  }

  /**
   * Drops every state that has returned to its initial value as of the newest time this engine
   * has seen, less the grace. The engine also does this by itself as its tables grow; call it to
   * release memory sooner.
   */
  public void evictExpired() {
    purgeReleased();
    for (TableRef ref : tables.values()) {
      LimiterTable t = ref.get();
      if (t != null) {
        t.evictExpired();
      }
    }
  }

  @Override
  public void close() {
    tables.clear();
  }

  @Override
  public String toString() {
    return "InMemoryEngine[rules=" + tables.size() + ", clients=" + trackedClients() + "]";
  }

  /** The table of one rule, held only while a limiter for it is reachable. */
  private static final class TableRef extends WeakReference<LimiterTable> {
    final Rule rule;

    TableRef(Rule rule, LimiterTable table, ReferenceQueue<LimiterTable> queue) {
      super(table, queue);
      this.rule = rule;
    }
  }

  /** Configures an {@link InMemoryEngine}; not thread-safe, validates each value when set. */
  public static final class Builder {
    private TimeSource timeSource = TimeSource.system();
    private long maxClientsPerRule = Long.MAX_VALUE;
    private long graceMicros = 1_000_000L;

    private Builder() {}

    /** Where limiters read "now" when the caller passes no timestamp. */
    public Builder timeSource(TimeSource source) {
      if (source == null) {
        throw new IllegalArgumentException("timeSource must not be null");
      }
      this.timeSource = source;
      return this;
    }

    /**
     * Caps the clients tracked per rule. When a new client arrives at the cap, states that have
     * returned to initial are dropped first; if none can be, the new client displaces, among 16
     * neighbouring rows, the client whose state returns to initial soonest. That client's usage is
     * forgotten: it may be admitted again up to its full limit early. Clients that are never
     * displaced are decided exactly as without a cap.
     *
     * @throws IllegalArgumentException if {@code max < 1}
     */
    public Builder maxClientsPerRule(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxClientsPerRule " + max + " must be >= 1");
      }
      this.maxClientsPerRule = max;
      return this;
    }

    /**
     * How long after a state returned to initial it may be dropped (see "Eviction" in
     * {@code docs/algorithms.md}); requests whose timestamps run back by less than this are never
     * affected by eviction.
     *
     * @throws IllegalArgumentException if negative or not whole microseconds
     */
    public Builder evictionGrace(Duration grace) {
      if (grace == null || grace.isNegative() || grace.getNano() % 1_000 != 0) {
        throw new IllegalArgumentException(
            "evictionGrace " + grace + " must be >= 0 and whole microseconds");
      }
      this.graceMicros = grace.toNanos() / 1_000;
      return this;
    }

    /** Builds the engine. */
    public InMemoryEngine build() {
      return new InMemoryEngine(this);
    }
  }
}
