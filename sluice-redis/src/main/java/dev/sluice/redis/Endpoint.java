package dev.sluice.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One place a key can live (a standalone server, a Sentinel master, a Cluster master, a ring
 * shard) with its circuit breaker and command timeout. The connection behind it is shared by
 * every check routed here, so concurrent async checks pipeline over it.
 */
final class Endpoint {
  private final String name;
  private final CircuitBreaker breaker;
  private final Duration timeout;
  private final Supplier<CompletableFuture<RedisScriptingAsyncCommands<String, String>>> commands;

  Endpoint(String name, CircuitBreaker breaker, Duration timeout,
      Supplier<CompletableFuture<RedisScriptingAsyncCommands<String, String>>> commands) {
    this.name = name;
    this.breaker = breaker;
    this.timeout = timeout;
    this.commands = commands;
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
    return eval(ScriptSource.CHECK, new String[] {key}, args);
  }

  /** As {@link #eval(String, String[])}, for any of the scripts, on keys of this endpoint. */
  CompletableFuture<List<Object>> eval(ScriptSource script, String[] keys, String[] args) {
    CompletableFuture<RedisScriptingAsyncCommands<String, String>> connected = commands.get();
    CompletableFuture<List<Object>> f = connected.thenCompose(cmds -> cmds
        .<List<Object>>evalsha(script.sha1(), ScriptOutputType.MULTI, keys, args)
        .exceptionallyCompose(e -> isNoScript(e)
            ? cmds.<List<Object>>eval(script.text(), ScriptOutputType.MULTI, keys, args)
            : CompletableFuture.failedStage(e)));
    if (connected.isDone()) {
      // Lettuce's command timeout (TimeoutOptions) bounds each command already; the guard is
      // for the wait on a connection, and scheduling it on every check costs the hot path.
      return f;
    }
    return f.orTimeout(timeout.toNanos() * 2 + TimeUnit.MILLISECONDS.toNanos(20),
        TimeUnit.NANOSECONDS);
  }

  private static boolean isNoScript(Throwable e) {
    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return c instanceof RedisNoScriptException
        || (c.getMessage() != null && c.getMessage().startsWith("NOSCRIPT"));
  }

  @Override
  public String toString() {
    return "Endpoint[" + name + ", " + breaker.state() + "]";
  }
}
