package dev.sluice.redis;

import dev.sluice.Decision;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.spi.Checks;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Redis limiter of one rule: builds the key and arguments, routes to an endpoint, consults the
 * breaker and the denial cache, runs the script, and falls back to the failure policy.
 */
final class ScriptedRateLimiter implements RedisRateLimiter {
  /** The script's {@code t} argument meaning "read the server's TIME". */
  private static final long SERVER_TIME = -1;
  /** The length of the exact path's reply (90_check.lua); the fast path's is shorter. */
  private static final int EXACT_REPLY = 10;

  private final RedisEngine engine;
  private final RuleScript script;
  private final FailurePolicy policy;
  private final DenialCache denials;
  private final RateLimiter local;

  ScriptedRateLimiter(RedisEngine engine, RuleScript script, FailurePolicy policy,
      DenialCache denials, RateLimiter local) {
    this.engine = engine;
    this.script = script;
    this.policy = policy;
    this.denials = denials;
    this.local = local;
  }

  RedisEngine engine() {
    return engine;
  }

  RuleScript script() {
    return script;
  }

  DenialCache denials() {
    return denials;
  }

  @Override
  public Rule rule() {
    return script.rule();
  }

  @Override
  public TimeSource timeSource() {
    return engine.timeSource();
  }

  @Override
  public FailurePolicy failurePolicy() {
    return policy;
  }

  @Override
  public boolean denialCacheEnabled() {
    return denials != null;
  }

  private long now() {
    return engine.clientTime() ? engine.timeSource().nowMicros() : SERVER_TIME;
  }

  // --- the public methods: validate, then decide ---

  @Override
  public Decision check(CharSequence key, long cost, long nowMicros) {
    return decide(Checks.key(key).toString(), Checks.cost(cost), Checks.timestamp(nowMicros)).join();
  }

  @Override
  public Decision check(long key, long cost, long nowMicros) {
    return decide(Long.toString(key), Checks.cost(cost), Checks.timestamp(nowMicros)).join();
  }

  @Override
  public Decision check(CharSequence key, long cost) {
    return decide(Checks.key(key).toString(), Checks.cost(cost), now()).join();
  }

  @Override
  public Decision check(CharSequence key) {
    return decide(Checks.key(key).toString(), 1, now()).join();
  }

  @Override
  public boolean tryAcquire(CharSequence key) {
    return check(key).allowed();
  }

  @Override
  public boolean tryAcquire(long key) {
    return decide(Long.toString(key), 1, now()).join().allowed();
  }

  /** Invalid arguments fail the returned stage, as in the core's default implementation. */
  @Override
  public CompletionStage<Decision> checkAsync(CharSequence key, long cost, long nowMicros) {
    try {
      return decide(Checks.key(key).toString(), Checks.cost(cost), Checks.timestamp(nowMicros));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletionStage<Decision> checkAsync(CharSequence key, long cost) {
    try {
      return decide(Checks.key(key).toString(), Checks.cost(cost), now());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // --- the decision ---

  /** Never completes exceptionally: failures become the policy's decision. */
  private CompletableFuture<Decision> decide(String client, long cost, long t) {
    int blocked = script.staticDenial(cost);
    if (blocked >= 0) {
      return CompletableFuture.completedFuture(
          new Decision(false, 0, 0, Decision.NEVER, Decision.NEVER, blocked, false));
    }
    String key = engine.key(client, script);
    if (denials != null && cost == 1) {
      Decision cached = denials.lookup(key, t);
      if (cached != null) {
        engine.stats.cacheHits.increment();
        return CompletableFuture.completedFuture(cached);
      }
    }
    Endpoint endpoint = engine.backend().endpointFor(client, key);
    CircuitBreaker breaker = endpoint.breaker();
    if (!breaker.tryAcquire()) {
      engine.stats.shortCircuited.increment();
      return CompletableFuture.completedFuture(degrade(client, cost, t, breaker));
    }
    long sent = engine.nanoTicker().getAsLong();
    return engine.call(endpoint, script.check(), new String[] {key},
        script.args(t, cost, engine.ttlPadMillis())).thenApply(r -> {
      if (r == null) {
        return degrade(client, cost, t, breaker);
      }
      Decision d;
      long scriptTime;
      try {
        scriptTime = (Long) r.get(r.size() - 1);
        d = r.size() == EXACT_REPLY ? toDecision(r, 0, scriptTime) : fastDecision(r, scriptTime);
      } catch (RuntimeException e) {
        engine.stats.failures.increment();
        return degrade(client, cost, t, breaker);
      }
      if (denials != null) {
        if (d.allowed()) {
          denials.forget(key);
        } else if (cost == 1) {
          denials.remember(key, scriptTime, d, sent, t < 0);
        }
      }
      return d;
    });
  }

  private static String rootCause(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.toString();
  }

  /**
   * The decision of the fast path's reply ({@code 95_check.lua}): allowed {@code {1, index,
   * remaining, resetAt, t}}, denied {@code {0, index, remaining, resetAt, allowedAt, t}}, times
   * absolute, -1 for never.
   */
  private Decision fastDecision(List<Object> r, long t) {
    boolean allowed = (Long) r.get(0) == 1;
    int index = ((Long) r.get(1)).intValue();
    long remaining = (Long) r.get(2);
    long resetAt = (Long) r.get(3);
    if (resetAt == -1) {
      resetAt = Decision.NEVER;
    }
    long retry = 0;
    if (!allowed) {
      long allowedAt = (Long) r.get(4);
      retry = allowedAt == -1 ? Decision.NEVER : allowedAt - t;
    }
    return new Decision(allowed, script.rule().limits().get(index).permits(), remaining, resetAt,
        retry, index, false);
  }

  /** The decision of the 9 fields a script returns from {@code r.get(at)} on, decided at t. */
  Decision toDecision(List<Object> r, int at, long t) {
    boolean allowed = (Long) r.get(at) == 1;
    int index = ((Long) r.get(at + 1)).intValue();
    long remaining = (Long) r.get(at + 2);
    long resetAt = time(r, at + 3);
    long retry = 0;
    if (!allowed) {
      long allowedAt = time(r, at + 6);
      retry = allowedAt == Decision.NEVER ? Decision.NEVER : allowedAt - t;
    }
    return new Decision(allowed, script.rule().limits().get(index).permits(), remaining, resetAt,
        retry, index, false);
  }

  /** A time the script returns as base, high and low 32 bits of a delta; base -1 is never. */
  private static long time(List<Object> r, int at) {
    long base = (Long) r.get(at);
    return base == -1 ? Decision.NEVER
        : base + ((Long) r.get(at + 1) << 32) + (Long) r.get(at + 2);
  }

  /** What the failure policy decides for a request Redis could not decide. */
  Decision degrade(String client, long cost, long t, CircuitBreaker breaker) {
    engine.stats.degraded.increment();
    long now = t >= 0 ? t : engine.localClock().nowMicros();
    long permits = script.rule().limits().get(0).permits();
    return switch (policy) {
      case FailurePolicy.FailOpen open ->
          new Decision(true, permits, Math.max(0, permits - cost), now, 0, 0, true);
      case FailurePolicy.FailClosed closed -> {
        long wait = breaker.nanosUntilProbe() / 1_000;
        if (wait <= 0) {
          wait = FailurePolicy.FailClosed.DEFAULT_RETRY.toNanos() / 1_000;
        }
        yield new Decision(false, permits, 0, now + wait, wait, 0, true);
      }
      case FailurePolicy.Local l -> local.check(client, cost, now).asDegraded();
    };
  }

  @Override
  public String toString() {
    return "RedisRateLimiter[" + script.rule().id() + ", " + policy + "]";
  }
}
