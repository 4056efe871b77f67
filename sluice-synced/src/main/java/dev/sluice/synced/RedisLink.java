package dev.sluice.synced;

import dev.sluice.redis.Topology;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The synced engine's connection to Redis: one standalone server, a Sentinel master, or a
 * Cluster. Connects lazily and again after a failure, so an unreachable Redis at start is not an
 * error. Commands are asynchronous and written as soon as they are issued, so all the commands
 * of one sync travel in one pipelined round per node. Thread-safe.
 */
final class RedisLink implements AutoCloseable {
  private final Topology topology;
  private final Duration timeout;
  private final LongAdder commands;
  private RedisClient client;
  private RedisClusterClient clusterClient;
  private volatile StatefulConnection<String, String> connection;
  private volatile RedisScriptingAsyncCommands<String, String> scripting;

  RedisLink(Topology topology, Duration timeout, LongAdder commands) {
    this.topology = topology;
    this.timeout = timeout;
    this.commands = commands;
    switch (topology) {
      case Topology.Standalone t -> client = RedisClient.create(RedisURI.create(t.uri()));
      case Topology.Sentinel t -> {
        String[] first = hostPort(t.sentinels().get(0));
        RedisURI.Builder b = RedisURI.Builder.sentinel(first[0], Integer.parseInt(first[1]),
            t.masterId());
        for (String other : t.sentinels().subList(1, t.sentinels().size())) {
          String[] hp = hostPort(other);
          b.withSentinel(hp[0], Integer.parseInt(hp[1]));
        }
        client = RedisClient.create(b.build());
      }
      case Topology.Cluster t -> {
        List<RedisURI> seeds = new ArrayList<>();
        t.seedUris().forEach(u -> seeds.add(RedisURI.create(u)));
        clusterClient = RedisClusterClient.create(seeds);
        // Lettuce opens a cluster's per-node connections lazily: rejecting commands while
        // disconnected would reject the first command to every node, so a cluster buffers them
        // (the command timeout still bounds each).
        clusterClient.setOptions(ClusterClientOptions.builder(clientOptions())
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(t.topologyRefresh())
                .enableAllAdaptiveRefreshTriggers()
                .build())
            .build());
      }
      case Topology.Sharded t -> throw new IllegalArgumentException("the synced engine supports "
          + "standalone, sentinel and cluster topologies, not sharded (" + t.shards().size()
          + " shards): use a Redis Cluster");
    }
    if (client != null) {
      client.setOptions(clientOptions());
    }
  }

  private ClientOptions clientOptions() {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(SocketOptions.builder().connectTimeout(timeout.multipliedBy(4))
            .keepAlive(true).tcpNoDelay(true).build())
        .build();
  }

  private static String[] hostPort(String s) {
    int colon = s.lastIndexOf(':');
    return new String[] {s.substring(0, colon), s.substring(colon + 1)};
  }

  /** Whether keys must be grouped by hash slot: only a Cluster forbids cross-slot scripts. */
  boolean clustered() {
    return clusterClient != null;
  }

  /** The hash slot of a key (0 when not clustered). */
  int slot(String key) {
    return clustered() ? SlotHash.getSlot(key) : 0;
  }

  private RedisScriptingAsyncCommands<String, String> scripting() {
    RedisScriptingAsyncCommands<String, String> s = scripting;
    if (s != null) {
      return s;
    }
    synchronized (this) {
      if (scripting == null) {
        if (clustered()) {
          StatefulRedisClusterConnection<String, String> c = clusterClient.connect(
              StringCodec.UTF8);
          connection = c;
          scripting = c.async();
        } else {
          StatefulRedisConnection<String, String> c = client.connect(StringCodec.UTF8);
          connection = c;
          scripting = c.async();
        }
      }
      return scripting;
    }
  }

  /**
   * Runs {@code script} with EVALSHA, and with EVAL if the server does not know it; a failure
   * to connect fails the returned stage.
   */
  CompletableFuture<List<Object>> run(Script script, String[] keys, String[] args) {
    RedisScriptingAsyncCommands<String, String> s;
    try {
      s = scripting();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    commands.increment();
    CompletableFuture<List<Object>> sha = s.<List<Object>>evalsha(script.sha1(),
        ScriptOutputType.MULTI, keys, args).toCompletableFuture();
    return sha.exceptionallyCompose(e -> {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause()
          != null ? e.getCause() : e;
      String m = cause.getMessage();
      if (m != null && m.startsWith("NOSCRIPT")) {
        commands.increment();
        return s.<List<Object>>eval(script.text(), ScriptOutputType.MULTI, keys, args)
            .toCompletableFuture();
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  /**
   * Waits up to {@code max} for every stage of a round to complete.
   *
   * @return null when all completed normally, else what failed (the first failure, a timeout, or
   *     an interruption, whose flag is set again)
   */
  static String awaitAll(List<? extends CompletableFuture<?>> pending, Duration max) {
    CompletableFuture<Void> all =
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]));
    try {
      all.get(max.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return cause.toString();
    }
  }

  /** A short description of the topology for logs and statistics. */
  String describe() {
    return switch (topology) {
      case Topology.Standalone t -> t.uri();
      case Topology.Sentinel t -> "sentinel:" + t.masterId();
      case Topology.Cluster t -> "cluster:" + String.join(",", t.seedUris());
      case Topology.Sharded t -> "sharded";
    };
  }

  @Override
  public void close() {
    StatefulConnection<String, String> c = connection;
    if (c != null) {
      c.close();
    }
    if (client != null) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    if (clusterClient != null) {
      clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
