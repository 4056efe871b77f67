package dev.sluice.regions;

import dev.sluice.Decision;
import dev.sluice.KeyedCheck;
import dev.sluice.Limit;
import dev.sluice.MultiDecision;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.FailurePolicy;
import dev.sluice.redis.RedisEngine;
import dev.sluice.redis.Topology;
import dev.sluice.redis.link.RedisLink;
import dev.sluice.spi.EngineHealth;
import dev.sluice.redis.link.Rounds;
import dev.sluice.redis.link.Script;
import dev.sluice.spi.Checks;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A global limit enforced across regions: each region holds an allocation of every limit and
 * enforces it on its own Redis with the exact {@link RedisEngine}, so a region alone is exact
 * against its allocation whatever happens to the links between regions; regions exchange
 * per-epoch usage as a state-based CRDT ({@link UsageCrdt}) through those links, and rebalance
 * allocations toward demand ({@link Allocations}) without their sum ever exceeding the limit.
 *
 * <p>A rule's epoch is the window of its reference limit (its longest); allocations change only
 * at epoch boundaries. A check reads nothing but this region's Redis: a cut or slow link between
 * regions costs accuracy of the exchanged view and rebalancing, never availability. Bounds per
 * algorithm, the exchange and its keys: {@code docs/regions.md}.
 *
 * <p>Decisions describe the region's allocation (their {@code limit} is the regional share).
 * Thread-safe. Build with {@link #builder(String, Map)}; {@link #close()} releases connections
 * and threads.
 */
public final class RegionalEngine implements RateLimiterEngine {
  private static final Logger LOG = LoggerFactory.getLogger(RegionalEngine.class);
  static final Pattern REGION_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
  /** Joins a slot's usage into one region's hash and answers the join. */
  private static final Script EXCHANGE =
      Script.load(RegionalEngine.class::getResourceAsStream, "exchange.lua");

  private final String region;
  private final List<String> regionNames;
  private final TimeSource timeSource;
  private final Duration interval;
  private final Duration timeout;
  private final String prefix;
  private final boolean rebalance;
  private final Allocations.Factory allocations;
  private final ClientResources resources;
  private final RedisEngine redis;
  /** Every region's Redis, this region's first; the usage exchange's only I/O. */
  private final Map<String, RedisLink> links = new LinkedHashMap<>();
  /** Per region: the exchanges with its Redis. */
  private final Map<String, Rounds> linkStats = new LinkedHashMap<>();
  private final ConcurrentHashMap<Rule, RegionalLimiter> limiters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, RegionalRule> rulesByTag = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, SlotState> slots = new ConcurrentHashMap<>();
  private final Rounds rounds;
  /** When the own region's Redis was found without its marker (engine time), -1 never. */
  private volatile long lostStateMicros = -1;

  private RegionalEngine(Builder b) {
    this.region = b.region;
    this.regionNames = List.copyOf(new TreeMap<>(b.regions).keySet());
    this.timeSource = b.timeSource;
    this.interval = b.interval;
    this.timeout = b.timeout;
    this.prefix = b.prefix;
    this.rebalance = b.rebalance;
    TreeMap<String, Long> weights = new TreeMap<>();
    for (String r : regionNames) {
      weights.put(r, b.weights.getOrDefault(r, 1L));
    }
    double floor = b.floorShare;
    double hysteresis = b.hysteresisShare;
    this.allocations = total -> Allocations.of(total, weights, floor,
        (long) Math.floor(total * hysteresis));
    // A healed link must be back within about one exchange interval, whatever the back-off.
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2)
        .computationThreadPoolSize(2)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(5), interval, 2,
            TimeUnit.MILLISECONDS))
        .build();
    this.redis = RedisEngine.builder(b.regions.get(region))
        .timeSource(timeSource)
        .keyPrefix(prefix + "e:")
        .commandTimeout(timeout)
        .defaultPolicy(FailurePolicy.local(1.0))
        .clientResources(resources)
        .build();
    links.put(region, link(region, b.regions.get(region)));
    for (String r : regionNames) {
      if (!r.equals(region)) {
        links.put(r, link(r, b.regions.get(r)));
      }
    }
    links.keySet().forEach(r -> linkStats.put(r, Rounds.manual()));
    long us = interval.toNanos() / 1000;
    this.rounds = b.autoExchange
        ? Rounds.automatic("sluice-regions-exchange", this::exchangeNow, LOG, "exchange round")
        : Rounds.manual();
    rounds.start(us, us);
  }

  /**
   * The certificates in force on the links to every region's Redis, once per file key (regions
   * sharing one {@code engine.tls} block share its keys).
   */
  List<EngineHealth.Certificate> certificates() {
    Map<String, EngineHealth.Certificate> byKey = new LinkedHashMap<>();
    for (RedisLink l : links.values()) {
      for (EngineHealth.Certificate c : l.certificates()) {
        byKey.putIfAbsent(c.key(), c);
      }
    }
    return List.copyOf(byKey.values());
  }

  private RedisLink link(String name, Topology topology) {
    return new RedisLink(topology, timeout, resources, new LongAdder(),
        "region '" + name + "': the usage exchange");
  }

  /**
   * A builder for an instance of {@code region}, given every region's Redis (this one's
   * included).
   *
   * @throws IllegalArgumentException if a name is not {@code [a-z0-9][a-z0-9_-]*} (at most 32
   *     characters), a topology is null, or {@code region} is not among {@code regions}
   */
  public static Builder builder(String region, Map<String, Topology> regions) {
    return new Builder(region, regions);
  }

  @Override
  public RateLimiter limiter(Rule rule) {
    if (rule == null) {
      throw new IllegalArgumentException("rule must not be null");
    }
    return limiters.computeIfAbsent(rule, r -> {
      RegionalRule rr = new RegionalRule(r, allocations);
      rulesByTag.putIfAbsent(rr.tag, rr);
      for (long a : new long[] {0, rr.total}) {
        redis.limiter(rr.regional(a)); // validates the limits against the scripts' restrictions
      }
      return new RegionalLimiter(this, rr);
    });
  }

  /** This instance's region. */
  public String region() {
    return region;
  }

  @Override
  public TimeSource timeSource() {
    return timeSource;
  }

  // ---------------------------------------------------------------------------------- decide

  private SlotState slot(RegionalRule rr, String key) {
    return slots.computeIfAbsent(rr.tag + "|" + key, k -> new SlotState(rr, key, region,
        rebalance));
  }

  /** One prepared check: its slot, epoch, the regional rule and whether the guard denies. */
  private record Prepared(SlotState slot, long epoch, Rule regional, boolean guarded, long cost,
      long now) {}

  private Prepared prepare(RegionalRule rr, CharSequence key, long cost, long now) {
    Checks.key(key);
    Checks.cost(cost);
    Checks.timestamp(now);
    SlotState s = slot(rr, key.toString());
    long e = now / rr.epochMicros;
    Rule regional = rr.regional(s.allocation(e));
    long lost = lostStateMicros;
    boolean guarded = lost >= 0 && e <= lost / rr.epochMicros + 1
        && s.ownAdmitted(e) + cost > rr.epochCap(regional);
    return new Prepared(s, e, regional, guarded, cost, now);
  }

  /**
   * The denial of a check the region's epoch guard refused: the region's Redis lost its state
   * (it was found without the engine's marker, e.g. after a restart) in this epoch or the one
   * before, and the region has already admitted its allocation's worth in this epoch as the
   * exchange knows it; retry at the epoch's end.
   */
  private static Decision guardDenial(Prepared p) {
    long end = (p.epoch + 1) * p.slot.rule.epochMicros;
    Limit l = p.regional.limits().get(p.slot.rule.reference);
    return new Decision(false, l.permits(), 0, end, Math.max(1, end - p.now),
        p.slot.rule.reference, false);
  }

  private Decision finish(Prepared p, Decision d) {
    p.slot.record(p.epoch, p.cost, d.allowed());
    return d;
  }

  Decision check(RegionalRule rr, CharSequence key, long cost, long now) {
    Prepared p = prepare(rr, key, cost, now);
    if (p.guarded) {
      return finish(p, guardDenial(p));
    }
    return finish(p, redis.limiter(p.regional).check(key, cost, now));
  }

  CompletionStage<Decision> checkAsync(RegionalRule rr, CharSequence key, long cost, long now) {
    Prepared p;
    try {
      p = prepare(rr, key, cost, now);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (p.guarded) {
      return CompletableFuture.completedFuture(finish(p, guardDenial(p)));
    }
    return redis.limiter(p.regional).checkAsync(key, cost, now).thenApply(d -> finish(p, d));
  }

  private List<Prepared> prepareAll(List<KeyedCheck> checks, long now) {
    Checks.keyedChecks(checks);
    List<Prepared> out = new ArrayList<>(checks.size());
    for (KeyedCheck c : checks) {
      if (!(c.limiter() instanceof RegionalLimiter l) || l.engine != this) {
        throw new IllegalArgumentException("limiter of rule '" + c.limiter().rule().id()
            + "' comes from another engine");
      }
      out.add(prepare(l.rule, c.key(), c.cost(), now));
    }
    return out;
  }

  /** The checks for the Redis engine: a guarded part becomes a rule of no permits. */
  private List<KeyedCheck> mapped(List<KeyedCheck> checks, List<Prepared> ps) {
    List<KeyedCheck> out = new ArrayList<>(checks.size());
    for (int i = 0; i < checks.size(); i++) {
      KeyedCheck c = checks.get(i);
      Prepared p = ps.get(i);
      Rule r = p.guarded ? p.slot.rule.regional(0) : p.regional;
      out.add(new KeyedCheck(redis.limiter(r), c.key(), c.cost(), c.affinity()));
    }
    return out;
  }

  private MultiDecision finishAll(List<Prepared> ps, MultiDecision md) {
    List<Decision> parts = new ArrayList<>(md.parts());
    boolean changed = false;
    for (int i = 0; i < ps.size(); i++) {
      if (ps.get(i).guarded) {
        parts.set(i, guardDenial(ps.get(i)));
        changed = true;
      }
    }
    MultiDecision out = changed ? MultiDecision.of(parts) : md;
    for (Prepared p : ps) {
      p.slot.record(p.epoch, p.cost, out.allowed());
    }
    return out;
  }

  /**
   * Decides every check on this region's Redis, all or nothing, each against its region's
   * allocation.
   *
   * @throws IllegalArgumentException as {@link RateLimiterEngine#checkAll}, and for a limiter
   *     from another engine
   */
  @Override
  public MultiDecision checkAll(List<KeyedCheck> checks, long nowMicros) {
    List<Prepared> ps = prepareAll(checks, nowMicros);
    return finishAll(ps, redis.checkAll(mapped(checks, ps), nowMicros));
  }

  @Override
  public CompletionStage<MultiDecision> checkAllAsync(List<KeyedCheck> checks) {
    try {
      long now = timeSource.nowMicros();
      List<Prepared> ps = prepareAll(checks, now);
      return redis.checkAllAsync(mapped(checks, ps)).thenApply(md -> finishAll(ps, md));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // -------------------------------------------------------------------------------- exchange

  private String hashKey(RegionalRule rr, String key, long epoch) {
    return prefix + "u{" + rr.tag + "|" + key + "}:" + epoch;
  }

  private String setKey(RegionalRule rr, long epoch) {
    return prefix + "s{" + rr.tag + "}:" + epoch;
  }

  private long ttlMillis(RegionalRule rr) {
    return 3 * rr.epochMicros / 1000 + 60_000;
  }

  /** Whether every link to a region's Redis has an open connection now (for tests). */
  boolean linksConnected() {
    return links.values().stream().allMatch(RedisLink::connected);
  }

  /**
   * Runs one exchange round now: joins this instance's counts and seals into its own region's
   * Redis, then its whole view into every other region's Redis, each answering with the join.
   * Blocks until every link answered or timed out.
   *
   * @return whether every region's Redis answered
   */
  public synchronized boolean exchangeNow() {
    long now = timeSource.nowMicros();
    boolean all = true;
    // Discovery: slots announced by any region in this epoch or the last.
    RedisLink own = links.get(region);
    long t0 = System.nanoTime();
    List<CompletableFuture<?>> ownCalls = new ArrayList<>();
    java.util.Set<SlotState> discovered = ConcurrentHashMap.newKeySet();
    for (RegionalRule rr : rulesByTag.values()) {
      long e = now / rr.epochMicros;
      List<String> mine = new ArrayList<>();
      for (SlotState s : slots.values()) {
        if (s.rule == rr && (s.ownDemand(e) || s.active(e))) {
          mine.add(s.key);
        }
      }
      for (long x = e - 1; x <= e; x++) {
        ownCalls.add(own.addAndList(setKey(rr, x), x == e ? mine : List.of(), ttlMillis(rr))
            .thenAccept(keys -> keys.forEach(k -> discovered.add(slot(rr, k)))));
      }
      for (Map.Entry<String, RedisLink> l : links.entrySet()) {
        if (!l.getKey().equals(region) && !mine.isEmpty()) {
          l.getValue().addAndList(setKey(rr, e), mine, ttlMillis(rr));
        }
      }
    }
    // A Redis without the marker lost what the Redis engine kept there (or never had it): until
    // the end of the next epoch, the epoch guard holds the region to its allocation as exchanged.
    ownCalls.add(own.setIfMissing(prefix + "alive", Long.toString(now)).thenAccept(missing -> {
      if (missing) {
        lostStateMicros = now;
      }
    }));
    boolean ownOk = await(ownCalls);
    // Own region: counts, seals, and the join.
    ownCalls.clear();
    List<SlotState> active = new ArrayList<>();
    for (SlotState s : slots.values()) {
      long e = now / s.rule.epochMicros;
      if (!s.active(e) && !s.ownDemand(e) && !discovered.contains(s)) {
        slots.remove(s.rule.tag + "|" + s.key, s);
        continue;
      }
      active.add(s);
      for (long x = e - 1; x <= e; x++) {
        SlotState.Outgoing out = s.outgoing(x, x == e);
        ownCalls.add(own.run(EXCHANGE, new String[] {hashKey(s.rule, s.key, x)},
            args(s, out, true))
            .thenAccept(flat -> s.merged(out, parse(flat), true)));
      }
    }
    ownOk &= await(ownCalls);
    note(region, ownOk, now, t0);
    all &= ownOk;
    // Every other region: the whole view, and its join back.
    Map<String, List<CompletableFuture<?>>> peerCalls = new LinkedHashMap<>();
    Map<String, Long> starts = new HashMap<>();
    for (Map.Entry<String, RedisLink> l : links.entrySet()) {
      if (l.getKey().equals(region)) {
        continue;
      }
      List<CompletableFuture<?>> calls = new ArrayList<>();
      starts.put(l.getKey(), System.nanoTime());
      for (SlotState s : active) {
        long e = now / s.rule.epochMicros;
        for (long x = e - 1; x <= e; x++) {
          SlotState.Outgoing out = s.outgoing(x, false);
          calls.add(l.getValue().run(EXCHANGE, new String[] {hashKey(s.rule, s.key, x)},
              args(s, out, false))
              .thenAccept(flat -> s.merged(out, parse(flat), false)));
        }
      }
      peerCalls.put(l.getKey(), calls);
    }
    for (Map.Entry<String, List<CompletableFuture<?>>> p : peerCalls.entrySet()) {
      boolean ok = await(p.getValue());
      note(p.getKey(), ok, now, starts.get(p.getKey()));
      all &= ok;
    }
    rounds.record(all, now, (System.nanoTime() - t0) / 1000);
    return all;
  }

  private boolean await(List<CompletableFuture<?>> calls) {
    return Rounds.awaitAll(calls, timeout.multipliedBy(4).plusMillis(50)) == null;
  }

  /** Records an exchange with region {@code r}'s Redis; the time taken is that of a success. */
  private void note(String r, boolean ok, long now, long startNanos) {
    Rounds st = linkStats.get(r);
    st.record(ok, now, ok ? (System.nanoTime() - startNanos) / 1000 : st.lastRoundMicros());
  }

  private String[] args(SlotState s, SlotState.Outgoing out, boolean own) {
    List<String> a = new ArrayList<>();
    a.add(Long.toString(ttlMillis(s.rule)));
    a.add(own ? region : "");
    a.add(Long.toString(out.admitted()));
    a.add(Long.toString(out.demand()));
    a.add(Long.toString(out.floorAdmitted()));
    a.add(Long.toString(out.floorDemand()));
    a.add(Long.toString(out.seal()));
    a.add(Long.toString(out.sealDemand()));
    for (Map.Entry<String, RegionUsage> e : out.view().regions().entrySet()) {
      if (own && e.getKey().equals(region)) {
        continue; // the own region's counters are raised by the floors above
      }
      RegionUsage u = e.getValue();
      a.add(e.getKey());
      a.add(Long.toString(u.admitted()));
      a.add(Long.toString(u.demand()));
      a.add(Long.toString(u.allocation()));
      a.add(Long.toString(u.sealedDemand()));
    }
    return a.toArray(String[]::new);
  }

  /** The CRDT state of a slot's hash as HGETALL answers it ({@code region:field}, value). */
  static UsageCrdt parse(List<Object> flat) {
    Map<String, long[]> m = new TreeMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      String f = String.valueOf(flat.get(i));
      int colon = f.lastIndexOf(':');
      if (colon <= 0) {
        continue;
      }
      long[] v = m.computeIfAbsent(f.substring(0, colon), k -> new long[] {0, 0, -1, -1});
      long n = Long.parseLong(String.valueOf(flat.get(i + 1)));
      switch (f.substring(colon + 1)) {
        case "a" -> v[0] = n;
        case "d" -> v[1] = n;
        case "sa" -> v[2] = n;
        case "sd" -> v[3] = n;
        default -> { }
      }
    }
    UsageCrdt s = UsageCrdt.EMPTY;
    for (Map.Entry<String, long[]> e : m.entrySet()) {
      long[] v = e.getValue();
      s = s.with(e.getKey(), new RegionUsage(v[0], v[1], v[2], v[3]));
    }
    return s;
  }

  // ---------------------------------------------------------------------------------- views

  /**
   * What this instance knows of a (rule, key) in the epoch of {@code nowMicros}: every region's
   * joined entry, this instance's unsent counts and candidate seal added to its own region.
   *
   * @throws IllegalArgumentException if the rule has no limiter of this engine
   */
  public UsageCrdt view(Rule rule, String key, long nowMicros) {
    RegionalLimiter l = limiters.get(rule);
    if (l == null) {
      throw new IllegalArgumentException("rule '" + rule.id() + "' has no limiter here");
    }
    SlotState s = slot(l.rule, key);
    long e = nowMicros / l.rule.epochMicros;
    UsageCrdt v = UsageCrdt.EMPTY;
    for (String r : regionNames) {
      RegionUsage u = s.peek(e, r);
      if (!u.equals(RegionUsage.NONE)) {
        v = v.with(r, u);
      }
    }
    return v;
  }

  /** The allocations of {@code rule}'s reference limit among the regions (static, floors). */
  public Allocations allocations(Rule rule) {
    return ((RegionalLimiter) limiter(rule)).rule.allocations;
  }

  /** A snapshot of the exchange: per region, its link, allocation and usage. */
  public RegionalStats stats() {
    long now = timeSource.nowMicros();
    List<RegionalStats.RegionView> views = new ArrayList<>();
    List<SlotState> ss = new ArrayList<>(slots.values());
    for (String r : regionNames) {
      Rounds st = linkStats.get(r);
      long alloc = 0;
      long admitted = 0;
      for (SlotState s : ss) {
        RegionUsage u = s.peek(now / s.rule.epochMicros, r);
        alloc += Math.max(0, u.allocation());
        admitted += u.admitted();
      }
      long last = st.lastSuccessMicros();
      int failures = st.consecutiveFailures();
      views.add(new RegionalStats.RegionView(r, r.equals(region), st.sinceSuccessMicros(now),
          last < 0 ? -1 : st.lastRoundMicros(), failures, last < 0 || failures > 0, alloc,
          admitted));
    }
    return new RegionalStats(region, interval.toNanos() / 1000, rounds.count(), ss.size(),
        views);
  }

  @Override
  public void close() {
    rounds.close();
    links.values().forEach(RedisLink::close);
    redis.close();
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  /** Configures a {@link RegionalEngine}; not thread-safe. */
  public static final class Builder {
    private final String region;
    private final Map<String, Topology> regions;
    private final Map<String, Long> weights = new HashMap<>();
    private TimeSource timeSource = TimeSource.system();
    private Duration interval = Duration.ofMillis(500);
    private Duration timeout = Duration.ofMillis(250);
    private String prefix = "sluice:regions:";
    private boolean rebalance;
    private double floorShare = 0.25;
    private double hysteresisShare = 0.02;
    private boolean autoExchange = true;

    private Builder(String region, Map<String, Topology> regions) {
      if (regions == null || regions.isEmpty()) {
        throw new IllegalArgumentException("regions must name at least one region's Redis");
      }
      for (Map.Entry<String, Topology> e : regions.entrySet()) {
        checkName(e.getKey());
        if (e.getValue() == null) {
          throw new IllegalArgumentException("region '" + e.getKey() + "' has no topology");
        }
      }
      checkName(region);
      if (!regions.containsKey(region)) {
        throw new IllegalArgumentException("region '" + region + "' is not among the regions "
            + new TreeMap<>(regions).keySet());
      }
      this.region = region;
      this.regions = Map.copyOf(regions);
    }

    private static void checkName(String name) {
      if (name == null || !REGION_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("region name '" + name + "' must match "
            + REGION_NAME.pattern());
      }
    }

    /** A region's weight in the static split (default 1 each). */
    public Builder weight(String name, long weight) {
      if (!regions.containsKey(name)) {
        throw new IllegalArgumentException("weight of unknown region '" + name + "'");
      }
      if (weight < 1) {
        throw new IllegalArgumentException("weight " + weight + " of region '" + name
            + "' must be >= 1");
      }
      weights.put(name, weight);
      return this;
    }

    /** Rebalances allocations toward demand every epoch (default false: static weights). */
    public Builder rebalance(boolean on) {
      this.rebalance = on;
      return this;
    }

    /** Each region's floor as a share of its static allocation, in [0, 1] (default 0.25). */
    public Builder floorShare(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("floor share " + share + " must be in [0, 1]");
      }
      this.floorShare = share;
      return this;
    }

    /**
     * How far, as a share of the limit, a target may stray from a region's allocation before
     * the allocation follows it, in [0, 1) (default 0.02).
     */
    public Builder hysteresisShare(double share) {
      if (!(share >= 0 && share < 1)) {
        throw new IllegalArgumentException("hysteresis share " + share + " must be in [0, 1)");
      }
      this.hysteresisShare = share;
      return this;
    }

    /** The time between exchange rounds (default 500ms, at least 1ms). */
    public Builder exchangeInterval(Duration d) {
      if (d == null || d.toMillis() < 1) {
        throw new IllegalArgumentException("exchange interval " + d + " must be at least 1ms");
      }
      this.interval = d;
      return this;
    }

    /** Every Redis command's timeout (default 250ms, at least 1ms). */
    public Builder commandTimeout(Duration d) {
      if (d == null || d.toMillis() < 1) {
        throw new IllegalArgumentException("command timeout " + d + " must be at least 1ms");
      }
      this.timeout = d;
      return this;
    }

    /** The prefix of every key (default {@code sluice:regions:}); no braces. */
    public Builder keyPrefix(String p) {
      if (p == null || p.length() > 48 || p.indexOf('{') >= 0 || p.indexOf('}') >= 0) {
        throw new IllegalArgumentException("key prefix '" + p
            + "' must be at most 48 characters without braces");
      }
      this.prefix = p;
      return this;
    }

    /** The time source of checks without a timestamp and of epochs (default the system's). */
    public Builder timeSource(TimeSource t) {
      if (t == null) {
        throw new IllegalArgumentException("time source must not be null");
      }
      this.timeSource = t;
      return this;
    }

    /** Whether a thread runs {@link #exchangeNow()} every interval (default true). */
    public Builder autoExchange(boolean on) {
      this.autoExchange = on;
      return this;
    }

    /** Builds the engine; connects lazily, so unreachable regions are partitions, not errors. */
    public RegionalEngine build() {
      return new RegionalEngine(this);
    }
  }
}
