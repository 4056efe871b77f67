package dev.sluice.redis;

import dev.sluice.InMemoryEngine;
import dev.sluice.KeyedCheck;
import dev.sluice.MultiDecision;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.link.Connections;
import dev.sluice.redis.link.Script;
import dev.sluice.spi.Checks;
import dev.sluice.spi.EngineObserver;
import dev.sluice.spi.EngineHealth;
import dev.sluice.tls.TlsContext;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Rate-limit state in Redis, shared by every process that points at the same servers.
 *
 * <p>Each check is one EVALSHA of a Lua script that implements {@code docs/algorithms.md} bit for
 * bit on one key per (client, rule) ({@code prefix{client}:ruletag}); the key's TTL drops it once
 * every limit is back to its initial state. Topologies: standalone, Sentinel, Cluster, and a
 * client-side consistent-hash ring over standalone servers ({@link Topology}).
 *
 * <p>Resilience: every endpoint has a command timeout and a circuit breaker; while the breaker is
 * open, checks routed there make no network call and the rule's {@link FailurePolicy} decides
 * (fail-open by default), marked {@code degraded}; half-open probes close it again when Redis
 * returns. Design, encoding, memory and restrictions: {@code docs/redis.md}.
 *
 * <p>Thread-safe. Build with {@link #builder(Topology)}; {@link #close()} releases connections
 * and threads.
 */
public final class RedisEngine implements RateLimiterEngine {
  /**
   * Extra key lifetime when checks carry the caller's timestamps: a key's TTL runs on the server's
   * clock, the state's idle time on the caller's, and a replay or test whose clock stands still
   * must not lose state that is still live in its own time.
   */
  public static final Duration DEFAULT_CLIENT_TIME_TTL_SLACK = Duration.ofSeconds(60);

  private final Backend backend;
  private final ClientResources resources;
  private final boolean ownResources;
  private final TlsContext tls;
  private final TimeSource timeSource;
  private final boolean clientTime;
  private final TimeSource localClock;
  private final String keyPrefix;
  private final long graceMillis;
  private final long ttlPadMillis;
  private final LongSupplier nanoTicker;
  private final FailurePolicy defaultPolicy;
  private final Map<String, FailurePolicy> policies;
  private final boolean defaultDenialCache;
  private final Map<String, Boolean> denialCaches;
  private final int denialCacheSize;
  private final InMemoryEngine fallback;
  private final ConcurrentHashMap<Rule, ScriptedRateLimiter> limiters = new ConcurrentHashMap<>();
  final Counters stats = new Counters();

  private RedisEngine(Builder b) {
    // First: a TLS block whose files cannot be used fails before anything needs releasing.
    this.tls = Connections.openTls(b.topology);
    this.ownResources = b.resources == null;
    this.resources = ownResources
        ? DefaultClientResources.builder()
            .ioThreadPoolSize(Math.max(2, Runtime.getRuntime().availableProcessors()))
            .computationThreadPoolSize(2)
            .nettyCustomizer(new WriteCoalescing())
            .reconnectDelay(Delay.exponential(Duration.ofMillis(5), b.maxReconnectDelay, 2,
                TimeUnit.MILLISECONDS))
            .build()
        : b.resources;
    this.clientTime = b.timeSource != null;
    this.timeSource = clientTime ? b.timeSource : TimeSource.system();
    this.localClock = timeSource;
    this.keyPrefix = b.keyPrefix;
    this.graceMillis = b.graceMillis;
    long slack = b.ttlSlack != null ? b.ttlSlack.toMillis()
        : (clientTime ? DEFAULT_CLIENT_TIME_TTL_SLACK.toMillis() : 0);
    this.ttlPadMillis = graceMillis + slack;
    this.nanoTicker = b.nanoTicker;
    this.defaultPolicy = b.defaultPolicy;
    this.policies = Map.copyOf(b.policies);
    this.defaultDenialCache = b.denialCache;
    this.denialCaches = Map.copyOf(b.denialCaches);
    this.denialCacheSize = b.denialCacheSize;
    this.fallback = InMemoryEngine.builder().timeSource(timeSource)
        .evictionGrace(Duration.ofMillis(graceMillis)).build();
    this.backend = Backend.create(b.topology, new Backend.Settings(resources, b.commandTimeout,
        b.connectTimeout, b.breaker, nanoTicker, b.observer, tls));
  }

  /** A builder for the given servers, with the defaults documented on each setter. */
  public static Builder builder(Topology topology) {
    if (topology == null) {
      throw new IllegalArgumentException("topology must not be null");
    }
    return new Builder(topology);
  }

  /**
   * The limiter of {@code rule}; equal rules share state (and limiter).
   *
   * @throws IllegalArgumentException if a limit's arithmetic cannot stay exact in the scripts
   *     (see docs/redis.md, "Restrictions"); the message names the value
   */
  @Override
  public RedisRateLimiter limiter(Rule rule) {
    if (rule == null) {
      throw new IllegalArgumentException("rule must not be null");
    }
    return limiters.computeIfAbsent(rule, this::newLimiter);
  }

  private ScriptedRateLimiter newLimiter(Rule rule) {
    RuleScript script = new RuleScript(rule);
    FailurePolicy policy = policies.getOrDefault(rule.id(), defaultPolicy);
    boolean cache = denialCaches.getOrDefault(rule.id(), defaultDenialCache);
    RateLimiter local = policy instanceof FailurePolicy.Local l
        ? fallback.limiter(scaled(rule, l.share())) : null;
    return new ScriptedRateLimiter(this, script, policy,
        cache ? new DenialCache(denialCacheSize, nanoTicker) : null, local);
  }

  /** The rule with each limit's permits and burst scaled by {@code share}, at least one. */
  static Rule scaled(Rule rule, double share) {
    return share == 1.0 ? rule : rule.scaled(n -> Math.max(1, (long) Math.floor(n * share)));
  }

  @Override
  public TimeSource timeSource() {
    return timeSource;
  }

  /** Whether checks without a timestamp use this engine's time source (else the server's). */
  public boolean usesClientTime() {
    return clientTime;
  }

  boolean clientTime() {
    return clientTime;
  }

  TimeSource localClock() {
    return localClock;
  }

  LongSupplier nanoTicker() {
    return nanoTicker;
  }

  /** What the script adds to a key's TTL beyond its idle time: the grace plus the slack. */
  long ttlPadMillis() {
    return ttlPadMillis;
  }

  Backend backend() {
    return backend;
  }

  /** The Redis key of a client under a rule: the client is the hash tag. */
  String key(String client, RuleScript script) {
    return keyPrefix + "{" + client + "}" + script.keySuffix();
  }

  /**
   * The Redis key of a client under a rule placed by an affinity:
   * {@code prefix{affinity}client:ruletag:a}, the affinity (escaped so that it holds no
   * {@code '}'}) being the hash tag. The trailing {@code :a} keeps these keys apart from every
   * key without affinity (whose ninth character from the end is always the {@code ':'}).
   */
  String key(String client, RuleScript script, String affinity) {
    return affinity == null ? key(client, script)
        : keyPrefix + "{" + affinityTag(affinity) + "}" + client + script.keySuffix() + ":a";
  }

  /**
   * An affinity as a hash tag: {@code %} and <code>}</code> percent-encoded (so the tag ends
   * where it should and distinct affinities stay distinct); the empty affinity is {@code %},
   * which no non-empty one encodes to (an empty tag would hash the whole key).
   */
  static String affinityTag(String affinity) {
    if (affinity.isEmpty()) {
      return "%";
    }
    return affinity.replace("%", "%25").replace("}", "%7D");
  }

  /** The Redis key of {@code client}'s state under {@code rule} with an affinity, or null. */
  public String keyOf(CharSequence client, Rule rule, String affinity) {
    return key(client.toString(), new RuleScript(rule), affinity);
  }

  String keyPrefix() {
    return keyPrefix;
  }

  /**
   * Decides every check, all or nothing: in one script when every key lives on one node (one
   * slot in a Cluster), else by reserving node by node and refunding on a denial
   * (docs/redis.md, "Multi-key checks"). Blocks until Redis answers.
   *
   * @throws IllegalArgumentException as {@link RateLimiterEngine#checkAll}
   */
  @Override
  public MultiDecision checkAll(List<KeyedCheck> checks, long nowMicros) {
    return MultiKeyCheck.prepare(this, checks, Checks.timestamp(nowMicros)).run().join();
  }

  /**
   * As {@link #checkAll}, at the server's time (or this engine's time source, if it has one),
   * without blocking; invalid arguments fail the stage.
   */
  @Override
  public CompletionStage<MultiDecision> checkAllAsync(List<KeyedCheck> checks) {
    try {
      long t = clientTime ? timeSource.nowMicros() : -1;
      return MultiKeyCheck.prepare(this, checks, t).run();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * One script call on {@code endpoint}, counted in the stats, its outcome told to the
   * endpoint's breaker; completes with null (never exceptionally) when it failed, the failure
   * kept as the last one. The caller has already asked the breaker to let the call through.
   */
  CompletableFuture<List<Object>> call(Endpoint endpoint, Script script, String[] keys,
      String[] args) {
    CircuitBreaker breaker = endpoint.breaker();
    stats.calls.increment();
    CompletableFuture<List<Object>> reply;
    try {
      reply = endpoint.eval(script, keys, args);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.handle((r, err) -> {
      if (err != null) {
        breaker.onFailure();
        stats.failures.increment();
        stats.lastFailure = endpoint.name() + ": " + rootCause(err);
        return null;
      }
      breaker.onSuccess();
      return r;
    });
  }

  private static String rootCause(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.toString();
  }

  /** The Redis key holding {@code client}'s state under {@code rule} (for tools and tests). */
  public String keyOf(CharSequence client, Rule rule) {
    return key(client.toString(), new RuleScript(rule));
  }

  /**
   * The command a check of {@code client} under {@code rule} sends, at the server's time:
   * {@code EVALSHA sha 1 key t cost pad} when the rule's parameters are compiled into its script,
   * else {@code EVALSHA sha 1 key t cost pad k ...} (for tools, and for running the same script
   * with {@code redis-benchmark}); the script itself is {@link #scriptSource(Rule)}.
   */
  public List<String> scriptCall(CharSequence client, Rule rule, long cost) {
    RuleScript script = new RuleScript(rule);
    List<String> call = new ArrayList<>(List.of("EVALSHA", script.check().sha1(), "1",
        key(client.toString(), script)));
    call.addAll(List.of(script.args(-1, cost, ttlPadMillis)));
    return call;
  }

  /**
   * The text of the check script of rules of any shape (the library alone, all its .lua
   * resources as loaded); {@link #scriptSource(Rule)} is the one a given rule runs.
   */
  public static String scriptSource() {
    return CheckScripts.CHECK.text();
  }

  /** The text of the check script that {@code rule}'s checks run (built for its shape). */
  public static String scriptSource(Rule rule) {
    return new RuleScript(rule).check().text();
  }

  /** Counters since the engine was built, and each known endpoint's breaker state. */
  public Stats stats() {
    Map<String, String> breakers = new LinkedHashMap<>();
    long opened = 0;
    for (Endpoint e : backend.endpoints()) {
      breakers.put(e.name(), e.breaker().state().name());
      opened += e.breaker().timesOpened();
    }
    return new Stats(stats.calls.sum(), stats.failures.sum(), stats.shortCircuited.sum(),
        stats.cacheHits.sum(), stats.degraded.sum(), opened, breakers, stats.lastFailure);
  }

  /** The certificates in force on this engine's TLS links (empty without TLS). */
  List<EngineHealth.Certificate> certificates() {
    return Connections.certificates(tls);
  }

  /**
   * What the engine did since it was built.
   *
   * @param scriptCalls checks sent to Redis (network attempts)
   * @param failures of those, the ones that failed or timed out
   * @param shortCircuited checks decided by the policy without a network attempt (breaker open)
   * @param denialCacheHits checks answered by the denial cache
   * @param degraded decisions made by a failure policy
   * @param breakerOpenings how many times any breaker opened
   * @param breakers each endpoint's breaker state ({@code CLOSED}, {@code OPEN},
   *     {@code HALF_OPEN})
   * @param lastFailure the endpoint and cause of the last failed call, or null
   */
  public record Stats(long scriptCalls, long failures, long shortCircuited, long denialCacheHits,
      long degraded, long breakerOpenings, Map<String, String> breakers, String lastFailure) {}

  static final class Counters {
    final LongAdder calls = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder shortCircuited = new LongAdder();
    final LongAdder cacheHits = new LongAdder();
    final LongAdder degraded = new LongAdder();
    volatile String lastFailure;
  }

  @Override
  public void close() {
    backend.close();
    fallback.close();
    if (ownResources) {
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
    if (tls != null) {
      tls.close();
    }
  }

  @Override
  public String toString() {
    return "RedisEngine[" + backend.getClass().getSimpleName() + ", rules=" + limiters.size()
        + "]";
  }

  /** Configures a {@link RedisEngine}; not thread-safe; each setter validates its value. */
  public static final class Builder {
    private final Topology topology;
    private TimeSource timeSource;
    private String keyPrefix = "sl";
    private Duration commandTimeout = Duration.ofMillis(250);
    private Duration connectTimeout = Duration.ofSeconds(1);
    private Duration maxReconnectDelay = Duration.ofSeconds(1);
    private BreakerSettings breaker = BreakerSettings.DEFAULTS;
    private FailurePolicy defaultPolicy = FailurePolicy.failOpen();
    private final Map<String, FailurePolicy> policies = new HashMap<>();
    private boolean denialCache = true;
    private final Map<String, Boolean> denialCaches = new HashMap<>();
    private int denialCacheSize = 100_000;
    private long graceMillis = 1_000;
    private Duration ttlSlack;
    private LongSupplier nanoTicker = System::nanoTime;
    private ClientResources resources;
    private EngineObserver observer = EngineObserver.NONE;

    private Builder(Topology topology) {
      this.topology = topology;
    }

    /**
     * Checks without a timestamp read this time source instead of the Redis server's clock (the
     * default, which keeps servers with skewed clocks in agreement). Explicit timestamps are
     * always passed through unchanged.
     */
    public Builder timeSource(TimeSource source) {
      if (source == null) {
        throw new IllegalArgumentException("timeSource must not be null");
      }
      this.timeSource = source;
      return this;
    }

    /** Checks without a timestamp use the Redis server's clock (the default). */
    public Builder serverTime() {
      this.timeSource = null;
      return this;
    }

    /**
     * A prefix for every key (default {@code sl}), e.g. to share a server between applications;
     * no braces, at most 64 characters.
     */
    public Builder keyPrefix(String prefix) {
      if (prefix == null || prefix.length() > 64 || prefix.indexOf('{') >= 0
          || prefix.indexOf('}') >= 0) {
        throw new IllegalArgumentException("keyPrefix '" + prefix
            + "' must be at most 64 characters without braces");
      }
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * How long one script call may take before it counts as failed (default 250 ms); per shard
     * of a ring with {@link Topology.Shard#commandTimeout()}.
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive("commandTimeout", timeout);
      return this;
    }

    /** How long opening a connection may take (default 1 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive("connectTimeout", timeout);
      return this;
    }

    /** The longest pause between reconnection attempts after a connection broke (default 1 s). */
    public Builder maxReconnectDelay(Duration delay) {
      this.maxReconnectDelay = positive("maxReconnectDelay", delay);
      return this;
    }

    /** Every endpoint's circuit breaker (default {@link BreakerSettings#DEFAULTS}). */
    public Builder breaker(BreakerSettings settings) {
      if (settings == null) {
        throw new IllegalArgumentException("breaker settings must not be null");
      }
      this.breaker = settings;
      return this;
    }

    /** The failure policy of rules without their own (default fail-open). */
    public Builder defaultPolicy(FailurePolicy policy) {
      if (policy == null) {
        throw new IllegalArgumentException("defaultPolicy must not be null");
      }
      this.defaultPolicy = policy;
      return this;
    }

    /** The failure policy of the rule with this id. */
    public Builder policy(String ruleId, FailurePolicy policy) {
      if (ruleId == null || policy == null) {
        throw new IllegalArgumentException("policy for rule '" + ruleId + "' must not be null");
      }
      policies.put(ruleId, policy);
      return this;
    }

    /**
     * Whether rules without their own setting answer repeated denials of cost 1 in-process
     * (default on; see docs/redis.md, "Denial cache", for when it can change a decision).
     */
    public Builder denialCache(boolean enabled) {
      this.denialCache = enabled;
      return this;
    }

    /** Whether the rule with this id answers repeated denials of cost 1 in-process. */
    public Builder denialCache(String ruleId, boolean enabled) {
      if (ruleId == null) {
        throw new IllegalArgumentException("ruleId must not be null");
      }
      denialCaches.put(ruleId, enabled);
      return this;
    }

    /** Entries per rule of the denial cache before it is cleared (default 100,000). */
    public Builder denialCacheSize(int entries) {
      if (entries < 1) {
        throw new IllegalArgumentException("denialCacheSize " + entries + " must be >= 1");
      }
      this.denialCacheSize = entries;
      return this;
    }

    /**
     * How long a key outlives the moment its state is back to initial (default 1 s, whole
     * milliseconds): requests whose timestamps run back by less than this see the state.
     */
    public Builder evictionGrace(Duration grace) {
      if (grace == null || grace.isNegative() || grace.toNanos() % 1_000_000 != 0) {
        throw new IllegalArgumentException(
            "evictionGrace " + grace + " must be >= 0 and whole milliseconds");
      }
      this.graceMillis = grace.toMillis();
      return this;
    }

    /**
     * Extra TTL for every key beyond its idle time and the grace: 0 by default with server time,
     * {@link #DEFAULT_CLIENT_TIME_TTL_SLACK} with a client time source (whose clock Redis's TTL
     * cannot follow). Whole milliseconds, {@code >= 0}.
     */
    public Builder keyTtlSlack(Duration slack) {
      if (slack == null || slack.isNegative() || slack.toNanos() % 1_000_000 != 0) {
        throw new IllegalArgumentException(
            "keyTtlSlack " + slack + " must be >= 0 and whole milliseconds");
      }
      this.ttlSlack = slack;
      return this;
    }

    /** The monotonic clock of the breakers and the denial cache (default System::nanoTime). */
    public Builder nanoTicker(LongSupplier ticker) {
      if (ticker == null) {
        throw new IllegalArgumentException("nanoTicker must not be null");
      }
      this.nanoTicker = ticker;
      return this;
    }

    /**
     * Where each endpoint (as {@code host:port}) reports its script calls' latencies and
     * failures and its breaker's changes (default {@link EngineObserver#NONE}: nothing measured).
     */
    public Builder observer(EngineObserver observer) {
      if (observer == null) {
        throw new IllegalArgumentException("observer must not be null");
      }
      this.observer = observer;
      return this;
    }

    /** Lettuce resources to share with other clients (the engine then does not shut them down). */
    public Builder clientResources(ClientResources shared) {
      this.resources = shared;
      return this;
    }

    /** Builds the engine; connections open on first use, so Redis may still be down. */
    public RedisEngine build() {
      return new RedisEngine(this);
    }

    private static Duration positive(String what, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " " + d + " must be positive");
      }
      return d;
    }
  }
}
