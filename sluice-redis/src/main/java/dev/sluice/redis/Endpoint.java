package dev.sluice.redis;

import dev.sluice.redis.link.Script;
import dev.sluice.spi.EngineObserver;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One place a key can live (a standalone server, a Sentinel master, a Cluster master, a ring
 * shard) with its circuit breaker and command timeout. The connection behind it is shared by
 * every check routed here, so concurrent async checks pipeline over it.
 *
 * <p>Every script call's end (its latency and, on failure, its {@link EngineObserver.Failure})
 * goes to the endpoint's {@link EngineObserver.Shard}, from the stage that also cancels the
 * call's timeout; with {@link EngineObserver.Shard#NONE} nothing is measured and the call path
 * is as without an observer.
 */
final class Endpoint {
  private final String name;
  private final CircuitBreaker breaker;
  private final Duration timeout;
  private final Supplier<CompletableFuture<BaseRedisAsyncCommands<String, String>>> commands;
  private final EngineObserver.Shard observer;
  private final boolean observed;
  private final LongSupplier nanoTicker;

  Endpoint(String name, CircuitBreaker breaker, Duration timeout,
      Supplier<CompletableFuture<BaseRedisAsyncCommands<String, String>>> commands,
      EngineObserver.Shard observer, LongSupplier nanoTicker) {
    this.name = name;
    this.breaker = breaker;
    this.timeout = timeout;
    this.commands = commands;
    this.observer = observer;
    this.observed = observer != EngineObserver.Shard.NONE;
    this.nanoTicker = nanoTicker;
  }

  String name() {
    return name;
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * Runs the check script on {@code key}: EVALSHA, and EVAL when the server does not know the
   * script. Completes exceptionally on any failure, never later than about twice the command
   * timeout (the second half covers establishing the connection).
   */
  CompletableFuture<List<Object>> eval(String key, String[] args) {
    return eval(CheckScripts.CHECK, new String[] {key}, args);
  }

  /** As {@link #eval(String, String[])}, for any of the scripts, on keys of this endpoint. */
  CompletableFuture<List<Object>> eval(Script script, String[] keys, String[] args) {
    CompletableFuture<BaseRedisAsyncCommands<String, String>> connected = commands.get();
    CompletableFuture<List<Object>> f = connected.thenCompose(cmds ->
        script.run(cmds, keys, args));
    if (!connected.isDone()) {
      // Lettuce's command timeout (TimeoutOptions) bounds each command once connected; this
      // guard is for the wait on a connection, and scheduling it on every check costs the hot
      // path.
      f.orTimeout(timeout.toNanos() * 2 + TimeUnit.MILLISECONDS.toNanos(20),
          TimeUnit.NANOSECONDS);
    }
    if (observed) {
      long sent = nanoTicker.getAsLong();
      // One completion stage per call: the only allocation the observer adds.
      f.whenComplete((r, e) -> observer.completed(nanoTicker.getAsLong() - sent,
          e == null ? null : failureOf(e)));
    }
    return f;
  }

  /**
   * Tries the endpoint with a PING when its breaker is open and the open period is over (the
   * breaker lets this one call through, as it would a check, and records how it ends); nothing
   * otherwise. A probe of the connection, not a check: no key, no script, no decision.
   */
  void probeIfDue() {
    if (breaker.state() != CircuitBreaker.State.OPEN || breaker.nanosUntilProbe() > 0
        || !breaker.tryAcquire()) {
      return;
    }
    commands.get().thenCompose(cmds -> cmds.ping())
        .orTimeout(timeout.toNanos() * 2 + TimeUnit.MILLISECONDS.toNanos(20),
            TimeUnit.NANOSECONDS)
        .whenComplete((pong, e) -> {
          if (e == null) {
            breaker.onSuccess();
          } else {
            breaker.onFailure();
          }
        });
  }

  /** How a call failed, from its exception (unwrapped from completion wrappers). */
  static EngineObserver.Failure failureOf(Throwable e) {
    Throwable c = e;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof TimeoutException || c instanceof RedisCommandTimeoutException) {
      return EngineObserver.Failure.TIMEOUT;
    }
    if (c instanceof RedisNoScriptException) {
      return EngineObserver.Failure.SCRIPT;
    }
    if (c instanceof RedisCommandExecutionException) {
      String m = c.getMessage() == null ? "" : c.getMessage();
      return m.contains("script") || m.startsWith("NOSCRIPT")
          ? EngineObserver.Failure.SCRIPT : EngineObserver.Failure.SERVER;
    }
    if (c instanceof RedisConnectionException || c instanceof java.io.IOException) {
      return EngineObserver.Failure.CONNECTION;
    }
    if (c instanceof RedisException) {
      // Lettuce's "Currently not connected. Commands are rejected." and "Connection closed".
      String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(java.util.Locale.ROOT);
      if (m.contains("connect") || m.contains("connection")) {
        return EngineObserver.Failure.CONNECTION;
      }
    }
    return EngineObserver.Failure.OTHER;
  }

  @Override
  public String toString() {
    return "Endpoint[" + name + ", " + breaker.state() + "]";
  }
}
