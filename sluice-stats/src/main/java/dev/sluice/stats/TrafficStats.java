package dev.sluice.stats;

import dev.sluice.rules.RuleSetCodec;
import dev.sluice.rules.decide.DecisionCounters;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-rule traffic statistics in bounded memory, fed by the decision pipeline: who is denied
 * most, who asks for most, how many distinct clients, and decisions per second. Plug it in with
 * {@link #observing}: every front end over the pipeline (HTTP API, Envoy RLS, gateway) then feeds
 * it.
 *
 * <p><b>Sketches.</b> Top offenders come from Apache DataSketches' frequent-items sketch (a
 * Misra-Gries style map with purging) rather than Count-Min plus a heap: it is a single
 * structure that keeps the candidate items themselves (a Count-Min sketch needs a separate heap of
 * candidates, which misses a client whose count grows while it is outside the heap), it merges
 * exactly (so sub-period sketches combine into a sliding period), and every answer carries
 * deterministic bounds: the true count lies in {@code [lower, upper]}, whose width is at most the
 * sketch's maximum error, itself at most {@code 3.5 / capacity} of the period's total (see
 * {@link RuleSnapshot.TopList}). Unique clients come from DataSketches' HyperLogLog
 * ({@code HLL_8} per slice, the type with the cheapest update, fed a 64-bit hash of the key).
 *
 * <p><b>Sliding period.</b> Each rule keeps {@link SketchConfig#slices} sub-period sketches in a
 * ring; a read merges those of the asked period, so the period slides by one slice.
 *
 * <p><b>Memory per rule</b> is bounded by
 * {@code slices × (2 × frequent-items map + HLL) + stripes × buffer}: a frequent-items map of
 * capacity {@code c} holds at most {@code 0.75 c} clients (about {@code 18 c} bytes of arrays
 * plus the retained client key strings), an {@code HLL_8} sketch about {@code 2^lgK} bytes,
 * a stripe's buffer {@value RuleTraffic#BUFFER} entries; see {@link #boundBytesPerRule}.
 *
 * <p>Thread-safe. Reads the clock only through the supplied {@code nowMillis}.
 */
public final class TrafficStats {
  private final SketchConfig config;
  private final LongSupplier nowMillis;
  private final int stripes;
  private final ConcurrentHashMap<String, RuleTraffic> rules = new ConcurrentHashMap<>();

  private TrafficStats(SketchConfig config, LongSupplier nowMillis, int stripes) {
    this.config = Objects.requireNonNull(config, "config");
    this.nowMillis = Objects.requireNonNull(nowMillis, "nowMillis");
    this.stripes = stripes;
  }

  /**
   * Statistics with {@code config}, timed by {@code nowMillis} (epoch milliseconds). Each rule
   * has a power of two of stripes, at least twice the available processors (at most 16).
   */
  public static TrafficStats create(SketchConfig config, LongSupplier nowMillis) {
    int cpus = Runtime.getRuntime().availableProcessors();
    return new TrafficStats(config, nowMillis,
        Math.min(16, Integer.highestOneBit(Math.max(1, cpus * 2 - 1)) * 2));
  }

  /** The configuration. */
  public SketchConfig config() {
    return config;
  }

  /**
   * {@code counters} that also feed these statistics: {@link DecisionCounters#tally} goes to
   * {@code counters}, {@link DecisionCounters#clients} here. Pass the result to the pipeline.
   */
  public DecisionCounters observing(DecisionCounters counters) {
    Objects.requireNonNull(counters, "counters");
    return new DecisionCounters() {
      @Override
      public Tally tally(String rule, String outcome) {
        return counters.tally(rule, outcome);
      }

      @Override
      public ClientTally clients(String rule) {
        return traffic(rule);
      }
    };
  }

  /** The observer of rule {@code id}: the same one for the same id, across rule reloads. */
  public DecisionCounters.ClientTally traffic(String id) {
    return rules.computeIfAbsent(id, r -> new RuleTraffic(r, config, nowMillis, stripes));
  }

  /** The rule ids with statistics. */
  public Set<String> rules() {
    return Set.copyOf(rules.keySet());
  }

  /**
   * Forgets the rules not in {@code ids} (removed from the rule set) once their statistics are
   * at least one period old: a rule book being compiled asks for its rules' statistics before it
   * is in force, and must not lose them to a caller that still sees the previous set.
   */
  public void retain(Collection<String> ids) {
    Set<String> keep = Set.copyOf(ids);
    long before = nowMillis.getAsLong() - config.period().toMillis();
    rules.entrySet().removeIf(e -> !keep.contains(e.getKey())
        && e.getValue().createdMillis() <= before);
  }

  /** Whether {@code rule} has no statistics or saw no decision in the whole period. */
  public boolean idle(String rule) {
    RuleTraffic t = rules.get(rule);
    return t == null || t.idle();
  }

  /**
   * The statistics of {@code rule} over the last {@code period}, rounded up to whole slices
   * (the current, partial slice included).
   *
   * @param top how many clients each top list holds at most, in [0, 1000]
   * @return empty when the rule has no statistics
   * @throws IllegalArgumentException if {@code period} is not a positive multiple of one slice
   *     at most {@link SketchConfig#period}, or {@code top} is out of range
   */
  public Optional<RuleSnapshot> snapshot(String rule, Duration period, int top) {
    int slices = slicesOf(period);
    if (top < 0 || top > 1000) {
      throw new IllegalArgumentException("top " + top + " must be in [0, 1000]");
    }
    RuleTraffic t = rules.get(rule);
    return t == null ? Optional.empty() : Optional.of(t.snapshot(slices, top));
  }

  /**
   * The number of slices {@code period} covers.
   *
   * @throws IllegalArgumentException naming the value when it is not a positive multiple of one
   *     slice at most {@link SketchConfig#period}
   */
  public int slicesOf(Duration period) {
    long ms = period.toMillis();
    long slice = config.sliceMillis();
    if (ms <= 0 || ms > config.period().toMillis() || ms % slice != 0
        || period.toNanos() % 1_000_000 != 0) {
      throw new IllegalArgumentException("period '" + RuleSetCodec.formatDuration(period)
          + "' must be a multiple of " + RuleSetCodec.formatDuration(Duration.ofMillis(slice))
          + " up to " + RuleSetCodec.formatDuration(config.period()));
    }
    return (int) (ms / slice);
  }

  /** The distinct clients of {@code rule} over the whole period, or 0 without statistics. */
  public double uniqueClients(String rule) {
    RuleTraffic t = rules.get(rule);
    return t == null ? 0 : t.uniqueClients();
  }

  /**
   * A bound of the memory one rule's statistics take, in bytes, when client keys are at most
   * {@code maxKeyChars} characters (the service's {@code server.max-key-length} plus the
   * {@code key:}/{@code user:}/{@code ip:} prefix): object headers and references included,
   * with compressed references.
   */
  public long boundBytesPerRule(int maxKeyChars) {
    long c = config.topCapacity();
    long keyBytes = 24 + 16 + maxKeyChars; // String + byte[] (Latin-1) headers and content
    long items = 64 + c * (4 + 8 + 2) + (c * 3 / 4) * keyBytes; // arrays + retained keys
    long hll = 64 + (1L << config.hllLgK()) + 256;
    long slice = 2 * items + hll + 32;
    long stripe = 64 + RuleTraffic.BUFFER * (4 + 8 + 1)
        + RuleTraffic.SECONDS * (8 + 8L * 4) + 64;
    return config.slices() * slice + (long) stripes * stripe;
  }

  /** Stripes per rule. */
  int stripes() {
    return stripes;
  }
}
