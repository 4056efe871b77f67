package dev.sluice.regions;

import dev.sluice.redis.Topology;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The usage exchange's connection to one region's Redis (standalone, Sentinel master or
 * Cluster). Connects lazily and again after a failure, so a region unreachable at start is a
 * partition, not an error. Commands are asynchronous and written as soon as issued, so all the
 * slots of one exchange travel in one pipelined round. Thread-safe.
 */
final class RegionLink implements AutoCloseable {
  private final String region;
  private RedisClient client;
  private RedisClusterClient clusterClient;
  private volatile StatefulConnection<String, String> connection;
  private volatile RedisClusterAsyncCommands<String, String> commands;

  RegionLink(String region, Topology topology, Duration timeout, ClientResources resources) {
    this.region = region;
    ClientOptions options = ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .socketOptions(SocketOptions.builder().connectTimeout(timeout.multipliedBy(4))
            .keepAlive(true).tcpNoDelay(true).build())
        .build();
    switch (topology) {
      case Topology.Standalone t -> client = RedisClient.create(resources,
          RedisURI.create(t.uri()));
      case Topology.Sentinel t -> {
        String[] first = hostPort(t.sentinels().get(0));
        RedisURI.Builder b = RedisURI.Builder.sentinel(first[0], Integer.parseInt(first[1]),
            t.masterId());
        for (String other : t.sentinels().subList(1, t.sentinels().size())) {
          String[] hp = hostPort(other);
          b.withSentinel(hp[0], Integer.parseInt(hp[1]));
        }
        client = RedisClient.create(resources, b.build());
      }
      case Topology.Cluster t -> {
        List<RedisURI> seeds = new ArrayList<>();
        t.seedUris().forEach(u -> seeds.add(RedisURI.create(u)));
        clusterClient = RedisClusterClient.create(resources, seeds);
        clusterClient.setOptions(ClusterClientOptions.builder(options)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS).build());
      }
      case Topology.Sharded t -> throw new IllegalArgumentException("region '" + region
          + "': the usage exchange supports standalone, sentinel and cluster, not sharded");
    }
    if (client != null) {
      client.setOptions(options);
    }
  }

  private static String[] hostPort(String s) {
    int colon = s.lastIndexOf(':');
    return new String[] {s.substring(0, colon), s.substring(colon + 1)};
  }

  String region() {
    return region;
  }

  /** Whether the connection is open now (false before the first command and while reconnecting). */
  boolean connected() {
    StatefulConnection<String, String> c = connection;
    return c != null && c.isOpen();
  }

  private RedisClusterAsyncCommands<String, String> commands() {
    RedisClusterAsyncCommands<String, String> c = commands;
    if (c != null) {
      return c;
    }
    synchronized (this) {
      if (commands == null) {
        if (clusterClient != null) {
          var conn = clusterClient.connect(StringCodec.UTF8);
          connection = conn;
          commands = conn.async();
        } else {
          var conn = client.connect(StringCodec.UTF8);
          connection = conn;
          commands = conn.async();
        }
      }
      return commands;
    }
  }

  /** Runs the exchange script on one slot's hash; fails the stage if Redis cannot be reached. */
  CompletableFuture<List<Object>> exchange(String key, String[] args) {
    RedisClusterAsyncCommands<String, String> c;
    try {
      c = commands();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Script s = Script.EXCHANGE;
    String[] keys = {key};
    return c.<List<Object>>evalsha(s.sha1(), ScriptOutputType.MULTI, keys, args)
        .toCompletableFuture()
        .exceptionallyCompose(e -> {
          Throwable cause = e instanceof CompletionException && e.getCause() != null
              ? e.getCause() : e;
          if (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT")) {
            return c.<List<Object>>eval(s.text(), ScriptOutputType.MULTI, keys, args)
                .toCompletableFuture();
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  /**
   * Sets {@code key} to {@code value} unless it exists; completes with whether it was missing
   * (a Redis that never saw this engine's key space, or restarted without its data).
   */
  CompletableFuture<Boolean> markIfMissing(String key, String value) {
    RedisClusterAsyncCommands<String, String> c;
    try {
      c = commands();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return c.set(key, value, io.lettuce.core.SetArgs.Builder.nx()).toCompletableFuture()
        .thenApply(r -> "OK".equals(r));
  }

  /** Adds slot names to a discovery set (with a time to live) and returns all its members. */
  CompletableFuture<List<String>> announce(String setKey, List<String> members, long ttlMillis) {
    RedisClusterAsyncCommands<String, String> c;
    try {
      c = commands();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (!members.isEmpty()) {
      c.sadd(setKey, members.toArray(String[]::new));
      c.pexpire(setKey, ttlMillis);
    }
    return c.smembers(setKey).toCompletableFuture().thenApply(ArrayList::new);
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
