package dev.sluice.redis;

import dev.sluice.redis.link.Connections;
import dev.sluice.spi.EngineObserver;
import dev.sluice.tls.TlsContext;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A topology at run time: which {@link Endpoint} a key goes to. */
sealed interface Backend {

  /**
   * The endpoint for a key.
   *
   * @param routingKey the key's hash tag (the client), which the ring hashes
   * @param key the full Redis key, which Cluster hashes
   */
  Endpoint endpointFor(String routingKey, String key);

  /**
   * The Cluster hash slot of a key, 0 on every other topology: keys of one endpoint and one slot
   * can be decided by one script.
   */
  default int slotOf(String key) {
    return 0;
  }

  /** The endpoints known so far (for statistics). */
  Collection<Endpoint> endpoints();

  void close();

  /**
   * Shared settings for building backends; {@code observer} hears each endpoint's command
   * latencies and breaker changes under the endpoint's {@code host:port}.
   */
  record Settings(ClientResources resources, Duration commandTimeout, Duration connectTimeout,
      BreakerSettings breaker, java.util.function.LongSupplier nanoTicker,
      EngineObserver observer, TlsContext tls) {

    ClientOptions clientOptions(Duration timeout) {
      return Connections.clientOptions(timeout, connectTimeout, tls);
    }

    /** An endpoint named {@code name}, observed as shard {@code label}. */
    Endpoint newEndpoint(String name, String label, Duration timeout,
        java.util.function.Supplier<CompletableFuture<BaseRedisAsyncCommands<String, String>>>
            commands) {
      EngineObserver.Shard shard = observer.shard(label);
      return new Endpoint(name, new CircuitBreaker(breaker, nanoTicker, shard), timeout,
          commands, shard, nanoTicker);
    }
  }

  static Backend create(Topology topology, Settings s) {
    return switch (topology) {
      case Topology.Standalone t -> {
        RedisURI uri = Connections.uri(t, t.uri());
        yield new Single(s, uri, t.uri(), Connections.hostPort(uri), s.commandTimeout());
      }
      case Topology.Sentinel t -> {
        // The master's address changes on failover: the shard label is the group's name.
        yield new Single(s, Connections.sentinelUri(t), "sentinel:" + t.masterId(),
            "sentinel:" + t.masterId(), s.commandTimeout());
      }
      case Topology.Cluster t -> new Clustered(s, t);
      case Topology.Sharded t -> new Ring(s, t);
    };
  }

  /** One server, or a Sentinel master: one endpoint, one connection. */
  final class Single implements Backend {
    private final RedisClient client;
    private final LazyConnection<StatefulRedisConnection<String, String>> connection;
    private final Endpoint endpoint;

    Single(Settings s, RedisURI uri, String name, String label, Duration timeout) {
      uri.setTimeout(timeout);
      this.client = RedisClient.create(s.resources());
      client.setOptions(s.clientOptions(timeout));
      this.connection = new LazyConnection<>(
          () -> client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture());
      this.endpoint = s.newEndpoint(name, label, timeout,
          () -> connection.get().thenApply(StatefulRedisConnection::async));
    }

    @Override
    public Endpoint endpointFor(String routingKey, String key) {
      return endpoint;
    }

    @Override
    public Collection<Endpoint> endpoints() {
      return List.of(endpoint);
    }

    @Override
    public void close() {
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** Standalone servers on a consistent-hash ring. */
  final class Ring implements Backend {
    private final List<Single> shards = new ArrayList<>();
    private final ConsistentHashRing<Endpoint> ring;

    Ring(Settings s, Topology.Sharded t) {
      List<Endpoint> endpoints = new ArrayList<>();
      List<String> names = new ArrayList<>();
      int[] weights = new int[t.shards().size()];
      for (int i = 0; i < t.shards().size(); i++) {
        Topology.Shard shard = t.shards().get(i);
        Duration timeout = shard.commandTimeout() != null
            ? shard.commandTimeout() : s.commandTimeout();
        RedisURI uri = Connections.uri(t, shard.uri());
        Single single = new Single(s, uri, shard.name(), Connections.hostPort(uri), timeout);
        shards.add(single);
        endpoints.add(single.endpoint);
        names.add(shard.name());
        weights[i] = shard.weight();
      }
      this.ring = new ConsistentHashRing<>(endpoints, names, weights, t.pointsPerWeight());
    }

    @Override
    public Endpoint endpointFor(String routingKey, String key) {
      return ring.nodeFor(routingKey);
    }

    @Override
    public Collection<Endpoint> endpoints() {
      return ring.nodes();
    }

    @Override
    public void close() {
      shards.forEach(Single::close);
    }
  }

  /**
   * A Redis Cluster: one connection (Lettuce routes each command to the master of its key's
   * slot), one endpoint and breaker per master node, found from the slot map; after a failover
   * the slot maps to the promoted replica, whose breaker starts closed.
   */
  final class Clustered implements Backend {
    private final Settings settings;
    private final RedisClusterClient client;
    private final LazyConnection<StatefulRedisClusterConnection<String, String>> connection;
    private final ConcurrentHashMap<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final java.util.function.Supplier<
        CompletableFuture<BaseRedisAsyncCommands<String, String>>> commands;

    Clustered(Settings s, Topology.Cluster t) {
      this.settings = s;
      this.client = RedisClusterClient.create(s.resources(),
          Connections.seeds(t, s.commandTimeout()));
      // A burst of MOVED replies after a failover refreshes the slot map once per 200 ms.
      client.setOptions(Connections.clusterOptions(s.clientOptions(s.commandTimeout()), t,
          Duration.ofMillis(200)));
      this.connection = new LazyConnection<>(
          () -> client.refreshPartitionsAsync().toCompletableFuture()
              .thenCompose(loaded -> client.connectAsync(StringCodec.UTF8)));
      this.commands = () -> connection.get().thenApply(
          c -> (BaseRedisAsyncCommands<String, String>) c.async());
    }

    @Override
    public Endpoint endpointFor(String routingKey, String key) {
      StatefulRedisClusterConnection<String, String> c = connection.ifOpen();
      String node = "cluster";
      RedisClusterNode owner = null;
      if (c != null) {
        owner = c.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
        if (owner != null) {
          node = owner.getNodeId();
        }
      }
      Endpoint known = endpoints.get(node);
      if (known != null) {
        return known;
      }
      // A new master (or the placeholder before the slot map is known): its shard label is its
      // address; built once per node, so the capturing lambda is off the per-check path.
      String label = owner != null && owner.getUri() != null
          ? Connections.hostPort(owner.getUri()) : node;
      return endpoints.computeIfAbsent(node, id -> settings.newEndpoint(id, label,
          settings.commandTimeout(), commands));
    }

    @Override
    public int slotOf(String key) {
      return SlotHash.getSlot(key);
    }

    @Override
    public Collection<Endpoint> endpoints() {
      return endpoints.values();
    }

    @Override
    public void close() {
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
