package dev.sluice.redis.link;

import dev.sluice.redis.Topology;
import dev.sluice.spi.EngineHealth;
import dev.sluice.tls.TlsContext;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A connection to one Redis deployment (a standalone server, a Sentinel master or a Cluster) for
 * work off the check's path: rounds of script calls and a few plain commands. Connects on first
 * use and again after a failure to connect, so a Redis unreachable at start is not an error.
 * Commands are asynchronous and written as soon as they are issued, so all the calls of one round
 * travel pipelined, one round trip per node. Thread-safe.
 */
public final class RedisLink implements AutoCloseable {
  private final Topology topology;
  private final LongAdder commands;
  private final RedisClient client;
  private final RedisClusterClient clusterClient;
  private final TlsContext tls;
  private volatile StatefulConnection<String, String> connection;
  private volatile RedisClusterAsyncCommands<String, String> async;

  /**
   * A link to {@code topology}; nothing is connected yet.
   *
   * @param timeout every command's timeout; connecting may take four times as long
   * @param resources the Lettuce resources to share, or null for a client of its own
   * @param commands counts every command sent (EVALSHA and its EVAL fallback each count one)
   * @param user who refuses a sharded topology, for the message: e.g. "the synced engine"
   * @throws IllegalArgumentException if the topology is sharded: rounds need one store
   * @throws dev.sluice.tls.TlsException when the files of the topology's TLS block cannot be used
   */
  public RedisLink(Topology topology, Duration timeout, ClientResources resources,
      LongAdder commands, String user) {
    this.topology = topology;
    this.commands = commands;
    if (topology instanceof Topology.Sharded t) {
      throw new IllegalArgumentException(user + " supports standalone, sentinel and cluster "
          + "topologies, not sharded (" + t.shards().size() + " shards): use a Redis Cluster");
    }
    this.tls = Connections.openTls(topology);
    ClientOptions options = Connections.clientOptions(timeout, timeout.multipliedBy(4), tls);
    switch (topology) {
      case Topology.Standalone t -> {
        client = client(resources, Connections.uri(t, t.uri()));
        clusterClient = null;
      }
      case Topology.Sentinel t -> {
        client = client(resources, Connections.sentinelUri(t));
        clusterClient = null;
      }
      case Topology.Cluster t -> {
        List<RedisURI> seeds = Connections.seeds(t, null);
        client = null;
        clusterClient = resources == null ? RedisClusterClient.create(seeds)
            : RedisClusterClient.create(resources, seeds);
        clusterClient.setOptions(Connections.clusterOptions(options, t, null));
      }
      case Topology.Sharded t -> throw new AssertionError("refused above");
    }
    if (client != null) {
      client.setOptions(options);
    }
  }

  private static RedisClient client(ClientResources resources, RedisURI uri) {
    return resources == null ? RedisClient.create(uri) : RedisClient.create(resources, uri);
  }

  /** Whether keys must be grouped by hash slot: only a Cluster forbids cross-slot scripts. */
  public boolean clustered() {
    return clusterClient != null;
  }

  /** The Cluster hash slot of a key, 0 on every other topology. */
  public int slot(String key) {
    return clusterClient != null ? SlotHash.getSlot(key) : 0;
  }

  /** Whether the connection is open now (false before the first command and while reconnecting). */
  public boolean connected() {
    StatefulConnection<String, String> c = connection;
    return c != null && c.isOpen();
  }

  private RedisClusterAsyncCommands<String, String> commands() {
    RedisClusterAsyncCommands<String, String> c = async;
    if (c != null) {
      return c;
    }
    synchronized (this) {
      if (async == null) {
        if (clusterClient != null) {
          var conn = clusterClient.connect(StringCodec.UTF8);
          connection = conn;
          async = conn.async();
        } else {
          var conn = client.connect(StringCodec.UTF8);
          connection = conn;
          async = conn.async();
        }
      }
      return async;
    }
  }

  /**
   * Runs {@code script} on {@code keys} (one node's, one slot's on a Cluster); a failure to
   * connect fails the returned stage.
   */
  public CompletableFuture<List<Object>> run(Script script, String[] keys, String[] args) {
    return send(c -> {
      commands.increment();
      return script.evalsha(c, keys, args).exceptionallyCompose(e -> {
        if (!Script.isNoScript(e)) {
          return CompletableFuture.failedStage(e);
        }
        commands.increment();
        return script.eval(c, keys, args);
      });
    });
  }

  /**
   * Sets {@code key} to {@code value} unless it exists; completes with whether it was missing
   * (a Redis that never saw this key space, or restarted without its data).
   */
  public CompletableFuture<Boolean> setIfMissing(String key, String value) {
    return send(c -> {
      commands.increment();
      return c.set(key, value, SetArgs.Builder.nx()).thenApply(r -> "OK".equals(r));
    });
  }

  /**
   * Adds {@code members} to a set, gives the set a time to live, and completes with all its
   * members (three commands when {@code members} is not empty, one otherwise).
   */
  public CompletableFuture<List<String>> addAndList(String setKey, List<String> members,
      long ttlMillis) {
    return send(c -> {
      if (!members.isEmpty()) {
        commands.add(2);
        c.sadd(setKey, members.toArray(String[]::new));
        c.pexpire(setKey, ttlMillis);
      }
      commands.increment();
      return c.smembers(setKey).thenApply(ArrayList::new);
    });
  }

  /** Sends what {@code call} sends once connected; a failure to connect fails the stage. */
  private <T> CompletableFuture<T> send(
      Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> call) {
    RedisClusterAsyncCommands<String, String> c;
    try {
      c = commands();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return call.apply(c).toCompletableFuture();
  }

  /** The certificates in force on this link's TLS connections (empty without TLS). */
  public List<EngineHealth.Certificate> certificates() {
    return Connections.certificates(tls);
  }

  /** A short description of the topology for logs and statistics. */
  public String describe() {
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
    if (tls != null) {
      tls.close();
    }
  }
}
