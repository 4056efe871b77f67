package dev.sluice.internal;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The state of every client of one rule, in primitive arrays: the in-memory engine's hot path.
 *
 * <p>Layout. The table is split into segments by the top bits of the client's 64-bit key hash;
 * each segment is an open-addressing table with linear probing over one {@code long[]}, a row per
 * client: {@code [hash, state of limit 0, state of limit 1, ...]} (2 or 3 longs per limit, see the
 * meters). A hash of 0 marks an empty row. Rules with a sliding-window-log limit also keep a
 * parallel array of {@link GrantLog}s. There is no object per client otherwise, so a client of a
 * one-limit token-bucket rule costs 24 bytes of row, about 32 at the table's load.
 *
 * <p>Concurrency. Each segment has its own spin lock, held for one decision (hash lookup and a
 * few integer operations, well under a microsecond), so threads on different segments never wait
 * for each other; there is no global lock. A spin lock rather than a monitor because the critical
 * section is shorter than a park/unpark; after a few spins a waiter yields its core. The lock word
 * is also a sequence number (odd while held), so a denial can be decided without the lock: when
 * the segment's last locked decision was a denial (a client being throttled), a check first reads
 * the row optimistically and, if every read happened while no writer held the lock and the answer
 * is a denial (which writes nothing), returns it. Throttled clients therefore only read shared
 * memory, and admit-heavy traffic never pays for the extra attempt.
 *
 * <p>Row locks. An admission of a client whose row exists (the common case: a hot key) does not
 * take the segment lock either: it locks the row itself, by setting bit {@link #ROW_LOCK} of the
 * row's hash word with a CAS, so the lock and the data it guards travel between cores as one
 * cache line instead of two. Stored hashes never have that bit ({@link #key}). The rules that
 * make this safe beside the segment lock and the optimistic reads:
 *
 * <ul>
 *   <li>a row-lock writer reads the segment's sequence number (even), then the hint (it must say
 *       admissions are likely), finds the row, sets the row's bit, and then reads the sequence
 *       number again: only if it is unchanged does it write the row; otherwise it clears the bit
 *       (with a CAS: the row may have been moved meanwhile) and takes the segment lock;
 *   <li>every path holding the segment lock waits, before it reads or moves a row, until the row's
 *       bit is clear, and writes moved rows' hash words without the bit. A writer that validated
 *       the sequence number before the segment was locked therefore finishes first, and one that
 *       validates after sees the change and writes nothing;
 *   <li>the hint changes only under the segment lock, so it is constant for each even sequence
 *       number; an optimistic reader (hint: denials likely) and a row-lock writer (hint:
 *       admissions likely) can only overlap on a row if the sequence number changed between, and
 *       the optimistic reader also requires the row's bit clear before and after its reads, so it
 *       never returns a decision made on a row half written.
 * </ul>
 *
 * Rules with a sliding-window log (per-row {@link GrantLog}s) always take the segment lock. A
 * thread that finds a row locked waits for that row alone (test and test-and-set, see
 * {@code lockRow}); it leaves for the segment lock only when the row moves or the segment is
 * locked, never because of contention, since taking the segment lock changes the sequence number
 * and would send the other admissions of the segment to the locked path too.
 * {@code RowLockConcurrencyTest} fails when the locked path's wait for a row's bit or the
 * writer's second read of the sequence number is removed.
 *
 * <p>Packed rows. A rule of one token-bucket limit whose capacity in units ({@code B * w}) leaves
 * at least {@value #MIN_PACKED_TIME_BITS} bits of time keeps its rows, where it can, packed:
 * {@code [hash, B, PACKED | (t - B) << unitBits | s]}, the bucket's time {@code t} relative to a
 * base {@code B} and its units {@code s} in one word, so that a decision is one CAS on that word
 * with no lock at all ({@code Segment.packed}): the cache line moves once per admission, and a
 * descheduled thread blocks nobody. A thread whose CAS fails parks for a timer tick before it
 * tries again, so two threads on one hot key take turns instead of moving its line between
 * their cores on every decision. A denial writes nothing. The two-word form {@code [hash, t,
 * s]} (second word >= 0) is the other meters' and stays for everything else; the segment-locked
 * paths only ever work on it. The rules that keep a stale CAS from landing on the wrong state:
 *
 * <ul>
 *   <li>while a row is packed its base never changes, so two equal packed words in one slot mean
 *       one state, and a CAS that succeeds on an old value is still exact;
 *   <li>the segment-locked path turns a packed row into the two-word form with a CAS before it
 *       reads, moves or changes it ({@code unpack}, in {@code find}, rebuilds and displacement),
 *       so every CAS that read the packed word fails after it;
 *   <li>a row is packed only where no stale decision can reach it: a row just inserted into a slot
 *       never used in this array (none is once a row has been removed in place, at the cap: the
 *       {@code reused} flag), or a row written into a new array by a rebuild (with {@code B = t});
 *       in an array, a slot that has left the packed form therefore never returns to it;
 *   <li>a decision whose new time does not fit the packed range, or that finds the row in the
 *       two-word form, goes to the other paths; a row unpacked that way stays so until its
 *       segment is next rebuilt (growth, {@link #evictExpired}).
 * </ul>
 *
 * The optimistic and row-lock paths leave packed rows alone. {@code PackedRowTest} compares a
 * packing table with one that never packs; {@code PackedRowConcurrencyTest} fails when the
 * rebuild's unpacking, or the CAS itself, is removed.
 *
 * <p>Memory. A segment grows when three quarters full; before growing it drops rows whose state
 * has returned to initial (eviction, see {@code docs/algorithms.md}), and it sizes the new array
 * for the rows that are left, so a population that comes and goes does not grow it. With a client
 * cap, a segment at its share of the cap makes room by displacing the row, among 16 from the new
 * key's home slot, whose state returns to initial soonest.
 *
 * <p>Multi-key checks ({@link #checkAll}) lock every segment involved, of any table, in one
 * global order (each segment has a unique id from a process-wide counter), so two of them never
 * deadlock; they evaluate every part, consume from all only if all admit, and write under the
 * locks like any decision, so the optimistic denial path stays correct. They do not touch the
 * single-key path.
 */
public final class LimiterTable {
  private static final int MIN_CAPACITY = 16;
  private static final int DISPLACEMENT_SAMPLE = 16;
  private static final VarHandle LOCK;
  /** The long elements of a row array, for the row locks' CAS and volatile reads. */
  private static final VarHandle ROW = MethodHandles.arrayElementVarHandle(long[].class);
  /**
   * The bit of a row's hash word that locks the row (see "Row locks" above): above every bit a
   * segment index or a slot index uses, and clear in every stored hash.
   */
  static final long ROW_LOCK = 1L << 57;
  /** The sign bit of a token bucket's second state word: set when the row is packed. */
  static final long PACKED = Long.MIN_VALUE;
  /** The least range of {@code t - B} a packed row must cover, in bits (2^24 us: 16.8 s). */
  private static final int MIN_PACKED_TIME_BITS = 24;
  /** Where segments get their ids: the global lock order of multi-key checks. */
  private static final AtomicLong SEGMENT_IDS = new AtomicLong();
  private static final Comparator<Segment> BY_ID = Comparator.comparingLong(s -> s.id);
  /** What {@code Segment.optimistic} returns for a denial nobody asked to describe. */
  private static final Decision OPTIMISTIC_DENIAL = new Decision(false, 0, 0, 0, 0, 0, false);
  /** What {@code Segment.rowLocked} returns for an admission nobody asked to describe. */
  private static final Decision ROW_LOCKED_ADMISSION = new Decision(true, 0, 0, 0, 0, 0, false);

  static {
    try {
      LOCK = MethodHandles.lookup().findVarHandle(LockWord.class, "lock", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Rule rule;
  /** The meter of a one-limit token-bucket rule whose rows pack (see "Packed rows"), or null. */
  private final TokenBucketMeter packedMeter;
  /** Bits of {@code s} in a packed word; {@code t - B} takes the bits above, below the sign. */
  private final int unitBits;
  /** {@code 2^(63 - unitBits)}: the first {@code t - B} a packed word cannot hold. */
  private final long packedTimeLimit;
  private final Meter[] meters;
  private final int[] offsets;
  private final int[] logSlots;
  private final int logCount;
  private final int width;
  private final long graceMicros;
  private final Segment[] segments;
  private final int segmentShift;
  private final long segmentCap;

  /**
   * A table for {@code rule}.
   *
   * @param maxClients the cap on rows, {@code Long.MAX_VALUE} for none
   * @param graceMicros how long after returning to initial a state may be dropped
   */
  public LimiterTable(Rule rule, long maxClients, long graceMicros) {
    this(rule, maxClients, graceMicros, true);
  }

  /** As above; {@code packRows} false keeps every row in the two-word form (for tests). */
  LimiterTable(Rule rule, long maxClients, long graceMicros, boolean packRows) {
    this.rule = rule;
    int k = rule.limits().size();
    this.meters = new Meter[k];
    this.offsets = new int[k];
    this.logSlots = new int[k];
    int off = 1;
    int logs = 0;
    for (int i = 0; i < k; i++) {
      Limit limit = rule.limits().get(i);
      meters[i] = Meter.of(limit);
      offsets[i] = off;
      off += meters[i].width();
      logSlots[i] = meters[i] instanceof SlidingLogMeter ? logs++ : -1;
    }
    this.width = off;
    this.logCount = logs;
    int bits = k == 1 && meters[0] instanceof TokenBucketMeter tb && tb.permits > 0
        ? 64 - Long.numberOfLeadingZeros(tb.full()) : 64;
    this.packedMeter = packRows && 63 - bits >= MIN_PACKED_TIME_BITS
        ? (TokenBucketMeter) meters[0] : null;
    this.unitBits = bits;
    this.packedTimeLimit = packedMeter == null ? 0 : 1L << (63 - bits);
    this.graceMicros = graceMicros;
    // Enough segments for two cores to rarely meet, few enough that a small cap is not split
    // into shares of one.
    int n = maxClients == Long.MAX_VALUE ? 64
        : (int) Math.max(1, Math.min(64, Long.highestOneBit(Math.max(1, maxClients / 256))));
    this.segments = new Segment[n];
    for (int i = 0; i < n; i++) {
      segments[i] = new Segment();
    }
    this.segmentShift = 64 - Integer.numberOfTrailingZeros(n);
    this.segmentCap = maxClients == Long.MAX_VALUE ? Long.MAX_VALUE : maxClients / n;
  }

  /** The rule this table decides. */
  public Rule rule() {
    return rule;
  }

  /** Rows currently held. */
  public long size() {
    long total = 0;
    for (Segment s : segments) {
      s.lock();
      try {
        total += s.size;
      } finally {
        s.unlock();
      }
    }
    return total;
  }

  /** Rows held in the packed form now (for tests: whether the packed path is in use). */
  long packedRows() {
    long total = 0;
    for (Segment s : segments) {
      s.lock();
      try {
        for (int i = 0; packedMeter != null && i < s.rows.length; i += width) {
          if (s.rows[i] != 0 && s.rows[i + 2] < 0) {
            total++;
          }
        }
      } finally {
        s.unlock();
      }
    }
    return total;
  }

  /** Drops every row that has returned to initial, as of each segment's newest time less grace. */
  public void evictExpired() {
    for (Segment s : segments) {
      s.lock();
      try {
        s.rebuild(false);
      } finally {
        s.unlock();
      }
    }
  }

  /**
   * The hash as stored: without the {@link #ROW_LOCK} bit, and never 0 (the empty row). Two
   * hashes that differ only in that bit share a row, as two equal hashes would: the stored hash
   * has 63 bits.
   */
  static long key(long hash) {
    long h = hash & ~ROW_LOCK;
    return h != 0 ? h : ROW_LOCK << 1;
  }

  private Segment segmentFor(long hash) {
    return segmentShift == 64 ? segments[0] : segments[(int) (hash >>> segmentShift)];
  }

  /** Decides a request and says only whether it was admitted; allocates nothing. */
  public boolean tryAcquire(long hash, long cost, long now) {
    hash = key(hash);
    Segment s = segmentFor(hash);
    if (packedMeter != null) {
      Decision d = s.packed(hash, cost, now, false, false);
      if (d != null) {
        return d.allowed();
      }
    }
    if (s.optimistic(hash, cost, now, false) != null) {
      return false;
    }
    if (s.rowLocked(hash, cost, now, false) != null) {
      return true;
    }
    s.lock();
    try {
      // A thread that found no row may meet the row another one just inserted and packed:
      // deciding it by the CAS keeps it packed (find would unpack it for good).
      Decision p = packedMeter != null ? s.packed(hash, cost, now, false, true) : null;
      if (p != null) {
        return p.allowed();
      }
      boolean admitted = s.decide(hash, cost, now) == 0;
      s.packInserted();
      return admitted;
    } finally {
      s.unlock();
    }
  }

  /** Decides a request and describes the decision. */
  public Decision check(long hash, long cost, long now) {
    hash = key(hash);
    Segment s = segmentFor(hash);
    Decision d = packedMeter != null ? s.packed(hash, cost, now, true, false) : null;
    if (d == null) {
      d = s.optimistic(hash, cost, now, true);
    }
    if (d == null) {
      d = s.rowLocked(hash, cost, now, true);
    }
    if (d != null) {
      return d;
    }
    s.lock();
    try {
      d = packedMeter != null ? s.packed(hash, cost, now, true, true) : null;  // as in tryAcquire
      if (d != null) {
        return d;
      }
      d = s.describe(hash, s.decide(hash, cost, now), cost, now);
      s.packInserted();
      return d;
    } finally {
      s.unlock();
    }
  }

  /**
   * Decides, all or nothing, a request of {@code costs[i]} by {@code hashes[i]} in
   * {@code tables[i]} for every {@code i}, at {@code now}: when every part's limits admit, every
   * part consumes; otherwise nothing changes. Returns each part's decision as its table would
   * describe it alone, except that a part is consumed only when all admit (so a part that admits
   * in a denied whole reports the permits it has now). The (table, hash) pairs must be distinct.
   */
  public static Decision[] checkAll(LimiterTable[] tables, long[] hashes, long[] costs,
      long now) {
    int m = tables.length;
    hashes = hashes.clone();
    Segment[] segments = new Segment[m];
    for (int i = 0; i < m; i++) {
      hashes[i] = key(hashes[i]);
      segments[i] = tables[i].segmentFor(hashes[i]);
    }
    Segment[] order = segments.clone();
    Arrays.sort(order, BY_ID);
    int locked = 0;
    try {
      for (; locked < m; locked++) {
        if (locked == 0 || order[locked] != order[locked - 1]) {
          order[locked].lock();
        }
      }
      int[] denied = new int[m];
      boolean all = true;
      for (int i = 0; i < m; i++) {
        denied[i] = segments[i].evaluate(hashes[i], costs[i], now);
        all &= denied[i] == 0;
      }
      if (all) {
        for (int i = 0; i < m; i++) {
          segments[i].consume(hashes[i], costs[i], now);
        }
      }
      Decision[] out = new Decision[m];
      for (int i = 0; i < m; i++) {
        out[i] = segments[i].describeCurrent(hashes[i], denied[i], costs[i], now);
      }
      return out;
    } finally {
      for (int i = locked - 1; i >= 0; i--) {
        if (i == 0 || order[i] != order[i - 1]) {
          order[i].unlock();
        }
      }
    }
  }

  /** Cache-line padding laid out before the lock word (superclass fields come first). */
  @SuppressWarnings("unused")
  abstract static class PadBeforeLock {
    private long p0, p1, p2, p3, p4, p5, p6, p7;
  }

  /** A segment's lock word, alone on its cache line: see {@link Segment#lock()}. */
  abstract static class LockWord extends PadBeforeLock {
    volatile int lock;
  }

  /** Cache-line padding between the lock word and the fields a lock holder writes. */
  @SuppressWarnings("unused")
  abstract static class PadAfterLock extends LockWord {
    private long q0, q1, q2, q3, q4, q5, q6, q7;
  }

  /**
   * One independently locked part of the table. The lock word sits alone on its cache line, so
   * a waiter spinning on it does not steal the line holding the fields the holder writes.
   */
  private final class Segment extends PadAfterLock {
    private long[] rows;
    private GrantLog[] logs;
    private int mask;
    private int size;
    private int threshold;
    private long newest = Long.MIN_VALUE;
    /** Whether the last locked decision was a denial: a hint, read without the lock. */
    private boolean lastDenied;
    /**
     * Whether a row of this array was removed in place (displacement at the cap): its slots may
     * have held other rows, so rows inserted into them stay in the two-word form until the
     * next rebuild (see "Packed rows").
     */
    private boolean reused;
    /** The row {@link #decide} just inserted, to pack once described; -1 for none. */
    private int inserted = -1;
    private final long[] scratch = new long[width];
    private final GrantLog[] emptyLogs = new GrantLog[logCount];
    /** This segment's place in the global lock order of multi-key checks. */
    final long id = SEGMENT_IDS.getAndIncrement();

    Segment() {
      allocate(MIN_CAPACITY);
      for (int i = 0; i < logCount; i++) {
        emptyLogs[i] = new GrantLog();
      }
    }

    private void allocate(int capacity) {
      rows = new long[capacity * width];
      logs = logCount == 0 ? null : new GrantLog[capacity * logCount];
      mask = capacity - 1;
      threshold = capacity / 4 * 3;
      size = 0;
      reused = false;
    }

    /** Takes the lock: makes the sequence number odd. */
    void lock() {
      int v = lock;
      if ((v & 1) == 0 && LOCK.compareAndSet(this, v, v + 1)) {
        return;
      }
      int spins = 0;
      while (true) {
        v = lock;
        if ((v & 1) == 0 && LOCK.compareAndSet(this, v, v + 1)) {
          return;
        }
        if (++spins < 64) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }

    /** Releases the lock: the next even sequence number, published after every write. */
    void unlock() {
      LOCK.setRelease(this, lock + 1);
    }

    /**
     * A denial decided without the lock, or null when the locked path must decide (the hint says
     * admissions are likely, a writer was active, the client is absent, the rule keeps logs, or
     * the answer is an admission). Reads may race with a writer; the sequence number, read again
     * after them, tells whether they did, and racy reads cannot fail: the mask is used only with
     * the array it belongs to, and the meters only index within a row.
     */
    Decision optimistic(long hash, long cost, long now, boolean describe) {
      if (!lastDenied || logCount > 0) {
        return null;
      }
      int v = (int) LOCK.getAcquire(this);
      if ((v & 1) != 0) {
        return null;
      }
      int m = mask;
      long[] r = rows;
      if ((long) (m + 1) * width != r.length) {
        return null;  // read across a resize: mask and array of different tables
      }
      int i = (int) hash & m;
      long w;
      for (int probes = 0; ((w = (long) ROW.getVolatile(r, i * width)) & ~ROW_LOCK) != hash;
          probes++) {
        if (w == 0 || probes > m) {
          return null;
        }
        i = (i + 1) & m;
      }
      int base = i * width;
      if (w != hash) {
        return null;  // a row-lock writer holds the row
      }
      if (packedMeter != null && r[base + 2] < 0) {
        return null;  // packed: only the packed path reads it
      }
      int denied = 0;
      for (int k = 0; k < meters.length; k++) {
        Meter meter = meters[k];
        if (cost > meter.capacity() || !meter.admits(r, base + offsets[k], null, now, cost)) {
          denied |= 1 << k;
        }
      }
      if (denied == 0) {
        return null;
      }
      Decision d = describe ? describe(r, base, null, 0, denied, cost, now) : OPTIMISTIC_DENIAL;
      VarHandle.loadLoadFence();
      return (long) ROW.getVolatile(r, base) == hash && lock == v ? d : null;
    }

    /**
     * An admission decided under the row's own lock (see "Row locks" in the class comment), or
     * null when the segment-locked path must decide: the hint says denials are likely, the rule
     * keeps logs, the segment is locked or changes meanwhile, the client is absent, or the answer
     * is a denial (the locked path then records the hint, so throttled clients move to the
     * optimistic denials).
     */
    Decision rowLocked(long hash, long cost, long now, boolean describe) {
      if (logCount > 0) {
        return null;
      }
      int v = (int) LOCK.getVolatile(this);
      if ((v & 1) != 0 || lastDenied) {
        return null;
      }
      int m = mask;
      long[] r = rows;
      int base = rowOf(r, m, hash);
      if (base < 0) {
        return null;
      }
      if (packedMeter != null && (long) ROW.getVolatile(r, base + 2) < 0) {
        return null;  // packed, and the packed path declined: the segment lock decides
      }
      if (!lockRow(r, base, hash, v)) {
        return null;
      }
      if ((int) LOCK.getVolatile(this) != v) {
        ROW.compareAndSet(r, base, hash | ROW_LOCK, hash);
        return null;
      }
      for (int k = 0; k < meters.length; k++) {
        Meter meter = meters[k];
        if (cost > meter.capacity() || !meter.admits(r, base + offsets[k], null, now, cost)) {
          ROW.setRelease(r, base, hash);
          return null;
        }
      }
      for (int k = 0; k < meters.length; k++) {
        meters[k].consume(r, base + offsets[k], null, now, cost);
      }
      if (now >= newest + 1_000) {
        newest = now;  // racy, and only ever a lower bound of the newest time seen: see decide
      }
      Decision d = describe ? describe(r, base, null, 0, 0, cost, now) : ROW_LOCKED_ADMISSION;
      ROW.setRelease(r, base, hash);
      return d;
    }

    /**
     * The index in {@code r} of the first word of {@code hash}'s row, found with mask {@code m}
     * read before {@code r}; -1 when the client has no row, or when {@code r} and {@code m} belong
     * to different tables (read across a resize). Plain reads: the callers check what they found
     * under a lock or by a CAS.
     */
    private int rowOf(long[] r, int m, long hash) {
      if ((long) (m + 1) * width != r.length) {
        return -1;
      }
      int i = (int) hash & m;
      long w;
      for (int probes = 0; ((w = r[i * width]) & ~ROW_LOCK) != hash; probes++) {
        if (w == 0 || probes > m) {
          return -1;
        }
        i = (i + 1) & m;
      }
      return i * width;
    }

    /**
     * A decision made by one CAS on a packed row's second word (see "Packed rows" in the class
     * comment), or null when another path must decide: the client is absent or its row is in the
     * two-word form, or the new state does not fit a packed word. A denial writes nothing: the
     * state it was decided on is the one word read. Lock-free: a failed CAS means another
     * decision landed first, and the decision is made again on what it wrote, after a timer tick
     * unless {@code locked} (the caller holds the segment lock, and others may be waiting).
     */
    Decision packed(long hash, long cost, long now, boolean describe, boolean locked) {
      int m = mask;
      long[] r = rows;
      int base = rowOf(r, m, hash);
      if (base < 0) {
        return null;
      }
      TokenBucketMeter tb = packedMeter;
      while (true) {
        long p = (long) ROW.getVolatile(r, base + 2);
        if (p >= 0) {
          return null;
        }
        long b = r[base + 1];  // read after p: constant while the row is packed
        long t = b + ((p & ~PACKED) >>> unitBits);
        long held = p & ~(-1L << unitBits);
        long te = Math.max(now, t);
        long units = tb.unitsAt(t, held, te);
        if (cost > tb.burst || units < cost * tb.w) {
          return describe ? describe(new long[] {0, t, held}, 0, null, 0, 1, cost, now)
              : OPTIMISTIC_DENIAL;
        }
        long left = units - cost * tb.w;
        long dt = te - b;
        if (Long.compareUnsigned(dt, packedTimeLimit) >= 0) {
          return null;  // beyond the packed range: the locked path unpacks the row
        }
        if (ROW.compareAndSet(r, base + 2, p, PACKED | dt << unitBits | left)) {
          if (now >= newest + 1_000) {
            newest = now;  // racy, and only ever a lower bound of the newest time seen
          }
          return describe ? describe(new long[] {0, te, left}, 0, null, 0, 0, cost, now)
              : ROW_LOCKED_ADMISSION;
        }
        // Another thread decided the row meanwhile: step aside for one timer tick (at least
        // the kernel's timer slack, 50 us on Linux) and let it decide on with the line in its
        // core, rather than move the line on every decision: two threads that retry at once
        // bounce the line between cores on every attempt, which costs far more than the pause
        // on hosts whose cores are far apart (HotKeyBenchmark, admit mode at 2 threads, in
        // sluice-benchmarks). Resilience4j's AtomicRateLimiter backs off the same way.
        if (!locked) {
          LockSupport.parkNanos(1);  // never while holding the segment lock
        }
      }
    }

    /**
     * Turns the packed row at {@code base} into the two-word form {@code [t, s]}, which the
     * packed path leaves alone from then on; holds the segment lock. The CAS is what stops the
     * packed path: a decision that read the packed word fails its own CAS after it.
     */
    private void unpack(long[] r, int base) {
      if (packedMeter == null) {
        return;
      }
      while (true) {
        long p = (long) ROW.getVolatile(r, base + 2);
        if (p >= 0) {
          return;
        }
        long t = r[base + 1] + ((p & ~PACKED) >>> unitBits);
        if (ROW.compareAndSet(r, base + 2, p, p & ~(-1L << unitBits))) {
          r[base + 1] = t;  // nobody reads it before the lock is released
          return;
        }
      }
    }

    /**
     * Packs the two-word row at {@code base} with {@code B = t} into a slot no stale decision
     * can reach (a row just inserted into a slot never used in this array, or a new array);
     * holds the segment lock. Rows of the absent state stay as they are.
     */
    private void pack(long[] r, int base) {
      if (packedMeter == null || r[base + 1] == Meter.ABSENT) {
        return;
      }
      ROW.setRelease(r, base + 2, PACKED | r[base + 2]);
    }

    /** Packs the row the last {@link #decide} inserted, if any; holds the segment lock. */
    void packInserted() {
      if (inserted >= 0) {
        pack(rows, inserted);
        inserted = -1;
      }
    }

    /**
     * Sets the row lock of the row at {@code base} holding {@code hash}, or returns false when the
     * row was moved or the segment's sequence number is no longer {@code v} (the segment-locked
     * path must decide). Test and test-and-set: a waiter reads the word until the bit is clear
     * and only then tries the CAS, so it does not pull the line away from the holder in the middle
     * of its decision; contention alone never sends a thread to the segment lock, because that
     * changes the sequence number and sends every other admission there too. A holder that keeps
     * the row for long was descheduled mid-decision: the waiter then yields its core to it.
     */
    private boolean lockRow(long[] r, int base, long hash, int v) {
      for (int spins = 0; ; spins++) {
        long w = (long) ROW.getVolatile(r, base);
        if (w == hash) {
          if (ROW.compareAndSet(r, base, hash, hash | ROW_LOCK)) {
            return true;
          }
        } else if ((w & ~ROW_LOCK) != hash || lock != v) {
          return false;  // moved, or the segment is locked or changed: no point waiting
        } else if (spins < 1_024) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }

    /** Waits until no row-lock writer holds the row at {@code base}; holds the segment lock. */
    private void awaitRow(long[] r, int base) {
      for (int spins = 0; ((long) ROW.getVolatile(r, base) & ROW_LOCK) != 0; spins++) {
        if (spins < 64) {
          Thread.onSpinWait();
        } else {
          Thread.yield();  // its holder was descheduled mid-decision
        }
      }
    }

    /**
     * The row of {@code hash}, or -1, once no row-lock writer holds it; holds the segment lock.
     */
    private int find(long hash) {
      long[] r = rows;
      int i = (int) hash & mask;
      while (true) {
        long h = r[i * width] & ~ROW_LOCK;
        if (h == hash) {
          awaitRow(r, i * width);
          unpack(r, i * width);
          return i;
        }
        if (h == 0) {
          return -1;
        }
        i = (i + 1) & mask;
      }
    }

    private GrantLog log(GrantLog[] l, int logBase, int limit) {
      int slot = logSlots[limit];
      return slot < 0 ? null : l[logBase + slot];
    }

    /**
     * Evaluates every limit and, when all admit, consumes from all. Returns 0 when admitted, else
     * the bit set of the denying limits' indexes. Holds the lock.
     */
    int decide(long hash, long cost, long now) {
      // Kept to the millisecond: eviction only needs a lower bound, and a hot segment then
      // writes this field once per millisecond instead of on every decision.
      if (now >= newest + 1_000 || newest == Long.MIN_VALUE) {
        newest = now;
      }
      int idx = find(hash);
      long[] a;
      int base;
      GrantLog[] l;
      int logBase;
      if (idx >= 0) {
        a = rows;
        base = idx * width;
        l = logs;
        logBase = idx * logCount;
      } else {
        a = scratch;
        base = 0;
        l = emptyLogs;
        logBase = 0;
        initScratch();
      }
      int denied = deniedBy(a, base, l, logBase, cost, now);
      if (denied == 0) {
        if (idx < 0) {
          idx = insert(hash);
          a = rows;
          base = idx * width;
          l = logs;
          logBase = idx * logCount;
          if (packedMeter != null && !reused) {
            inserted = base;
          }
        }
        for (int i = 0; i < meters.length; i++) {
          meters[i].consume(a, base + offsets[i], log(l, logBase, i), now, cost);
        }
      }
      if (lastDenied != (denied != 0)) {
        lastDenied = denied != 0;
      }
      return denied;
    }

    /** The initial state of every limit in {@code scratch}: a client without a row. */
    private void initScratch() {
      for (int i = 0; i < meters.length; i++) {
        meters[i].init(scratch, offsets[i]);
      }
    }

    /**
     * The bit set of the limits that deny {@code cost} at {@code now} to the state at {@code base}
     * of {@code a}, whose grant logs start at {@code logBase} of {@code l}. Writes nothing.
     */
    private int deniedBy(long[] a, int base, GrantLog[] l, int logBase, long cost, long now) {
      int denied = 0;
      for (int i = 0; i < meters.length; i++) {
        Meter m = meters[i];
        if (cost > m.capacity() || !m.admits(a, base + offsets[i], log(l, logBase, i), now, cost)) {
          denied |= 1 << i;
        }
      }
      return denied;
    }

    /**
     * As the evaluation half of {@link #decide}: the bit set of the limits that deny, writing no
     * state (only the eviction clock and the denial hint). Holds the lock.
     */
    int evaluate(long hash, long cost, long now) {
      if (now >= newest + 1_000 || newest == Long.MIN_VALUE) {
        newest = now;
      }
      int idx = find(hash);
      long[] a = rows;
      int base = idx * width;
      GrantLog[] l = logs;
      int logBase = idx * logCount;
      if (idx < 0) {
        a = scratch;
        base = 0;
        l = emptyLogs;
        logBase = 0;
        initScratch();
      }
      int denied = deniedBy(a, base, l, logBase, cost, now);
      if (lastDenied != (denied != 0)) {
        lastDenied = denied != 0;
      }
      return denied;
    }

    /**
     * As the consuming half of {@link #decide}, after {@link #evaluate} said every limit admits
     * (a row that was displaced or evicted since starts again from its initial state, which
     * admits whatever an evaluated state admitted). Holds the lock.
     */
    void consume(long hash, long cost, long now) {
      int idx = find(hash);
      if (idx < 0) {
        idx = insert(hash);
      }
      int base = idx * width;
      int logBase = idx * logCount;
      for (int i = 0; i < meters.length; i++) {
        meters[i].consume(rows, base + offsets[i], log(logs, logBase, i), now, cost);
      }
    }

    /** Describes {@code hash}'s current state for the outcome {@code denied}; holds the lock. */
    Decision describeCurrent(long hash, int denied, long cost, long now) {
      int idx = find(hash);
      if (idx >= 0) {
        return describe(rows, idx * width, logs, idx * logCount, denied, cost, now);
      }
      initScratch();
      return describe(scratch, 0, emptyLogs, 0, denied, cost, now);
    }

    /** Describes the decision {@link #decide} just made for {@code hash}; holds the lock. */
    Decision describe(long hash, int denied, long cost, long now) {
      int idx = find(hash);
      return idx >= 0 ? describe(rows, idx * width, logs, idx * logCount, denied, cost, now)
          : describe(scratch, 0, emptyLogs, 0, denied, cost, now);
    }

    /** Describes a decision on the state at {@code a[base..]}, per "Several limits" in the docs. */
    private Decision describe(long[] a, int base, GrantLog[] logsOf, int logBase, int denied,
        long cost, long now) {
      int pick = -1;
      long retry = 0;
      long remaining = 0;
      long resetAt = 0;
      for (int i = 0; i < meters.length; i++) {
        Meter m = meters[i];
        GrantLog log = logsOf == null ? null : log(logsOf, logBase, i);
        int off = base + offsets[i];
        if (denied != 0) {
          if ((denied & (1 << i)) == 0) {
            continue;
          }
          long r = cost > m.capacity() ? Decision.NEVER : m.allowedAt(a, off, log, now, cost) - now;
          if (pick < 0 || r > retry) {
            pick = i;
            retry = r;
          }
        } else {
          long rem = m.remaining(a, off, log, now);
          long reset = m.resetAt(a, off, log, now);
          if (pick < 0 || rem < remaining || (rem == remaining && reset > resetAt)) {
            pick = i;
            remaining = rem;
            resetAt = reset;
          }
        }
      }
      Meter m = meters[pick];
      if (denied != 0) {
        GrantLog log = logsOf == null ? null : log(logsOf, logBase, pick);
        int off = base + offsets[pick];
        if (m.permits == 0) {
          remaining = 0;
          resetAt = Decision.NEVER;
        } else {
          remaining = m.remaining(a, off, log, now);
          resetAt = m.resetAt(a, off, log, now);
        }
      }
      return new Decision(denied == 0, m.permits, remaining, resetAt, retry, pick, false);
    }

    /** Adds a row for {@code hash} with initial state and returns its index. */
    private int insert(long hash) {
      if (size >= segmentCap) {
        displace(hash);
      } else if (size + 1 > threshold) {
        rebuild(true);
      }
      int i = (int) hash & mask;
      while (rows[i * width] != 0) {
        i = (i + 1) & mask;
      }
      int base = i * width;
      rows[base] = hash;
      for (int j = 0; j < meters.length; j++) {
        meters[j].init(rows, base + offsets[j]);
      }
      for (int j = 0; j < logCount; j++) {
        logs[i * logCount + j] = new GrantLog();
      }
      size++;
      return i;
    }

    /** When the state of row {@code i} behaves as absent from. */
    private long idleAt(long[] r, GrantLog[] l, int i) {
      long at = Meter.ABSENT;
      for (int j = 0; j < meters.length; j++) {
        at = Math.max(at, meters[j].idleAt(r, i * width + offsets[j], log(l, i * logCount, j)));
      }
      return at;
    }

    private boolean evictable(long[] r, GrantLog[] l, int i) {
      return newest != Long.MIN_VALUE && idleAt(r, l, i) <= newest - graceMicros;
    }

    /**
     * Rewrites the segment without its evictable rows, in an array sized for the rest: at most
     * half full, at least as large as before when {@code growing}.
     */
    void rebuild(boolean growing) {
      long[] oldRows = rows;
      GrantLog[] oldLogs = logs;
      int oldCapacity = mask + 1;
      int live = 0;
      for (int i = 0; i < oldCapacity; i++) {
        if (oldRows[i * width] != 0) {
          awaitRow(oldRows, i * width);
          unpack(oldRows, i * width);
          if (!evictable(oldRows, oldLogs, i)) {
            live++;
          }
        }
      }
      int capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, live * 2 - 1)) << 1);
      if (growing && live + 1 > capacity / 4 * 3) {
        capacity <<= 1;
      }
      allocate(capacity);
      for (int i = 0; i < oldCapacity; i++) {
        long h = oldRows[i * width] & ~ROW_LOCK;
        if (h == 0) {
          continue;
        }
        awaitRow(oldRows, i * width);
        if (evictable(oldRows, oldLogs, i)) {
          continue;
        }
        int j = (int) h & mask;
        while (rows[j * width] != 0) {
          j = (j + 1) & mask;
        }
        System.arraycopy(oldRows, i * width, rows, j * width, width);
        rows[j * width] = h;  // without a bit a transient row-lock attempt may have set
        pack(rows, j * width);
        if (logCount > 0) {
          System.arraycopy(oldLogs, i * logCount, logs, j * logCount, logCount);
        }
        size++;
      }
    }

    /** At the cap: removes the sampled row that returns to initial soonest. */
    private void displace(long hash) {
      int victim = -1;
      long victimIdle = Long.MAX_VALUE;
      int seen = 0;
      int sample = Math.min(DISPLACEMENT_SAMPLE, size);
      for (int i = (int) hash & mask; seen < sample; i = (i + 1) & mask) {
        if (rows[i * width] != 0) {
          awaitRow(rows, i * width);
          unpack(rows, i * width);
          long idle = idleAt(rows, logs, i);
          if (victim < 0 || idle < victimIdle) {
            victim = i;
            victimIdle = idle;
          }
          seen++;
        }
      }
      remove(victim);
    }

    /** Removes row {@code i}, shifting later rows of its probe run back (no tombstones). */
    private void remove(int i) {
      reused = true;
      int j = i;
      while (true) {
        j = (j + 1) & mask;
        long h = rows[j * width] & ~ROW_LOCK;
        if (h == 0) {
          break;
        }
        int home = (int) h & mask;
        boolean stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
          awaitRow(rows, j * width);
          unpack(rows, j * width);
          System.arraycopy(rows, j * width, rows, i * width, width);
          rows[i * width] = h;
          if (logCount > 0) {
            System.arraycopy(logs, j * logCount, logs, i * logCount, logCount);
          }
          i = j;
        }
      }
      rows[i * width] = 0;
      if (logCount > 0) {
        for (int k = 0; k < logCount; k++) {
          logs[i * logCount + k] = null;
        }
      }
      size--;
    }
  }
}
