package dev.sluice.redis;

import dev.sluice.tls.TlsSettings;
import java.time.Duration;
import java.util.List;

/**
 * Where the Redis servers are, how keys are spread over them, and how they are reached. Immutable
 * values; each validates its fields and names the bad value.
 *
 * <p><b>TLS.</b> A {@code rediss://} URI speaks TLS to its server and verifies it against the
 * JDK's trust store and its host name. {@link #withTls} gives every connection of the topology a
 * TLS link configured by {@link TlsSettings} ({@code engine.tls}): trust anchors, a client
 * certificate, protocols, rotation; with it every server is reached over TLS, {@code redis://}
 * URIs included, and for Sentinel both the sentinels and the master they name, for a Cluster
 * every node, including those found from its slot map.
 */
public sealed interface Topology {

  /** The TLS settings of every connection, or null for the URIs' own choice. */
  TlsSettings tls();

  /**
   * This topology with {@code tls} for every connection (null: plaintext unless a URI is
   * {@code rediss://}).
   *
   * @throws IllegalArgumentException when {@code tls} configures a listener, not a link
   */
  Topology withTls(TlsSettings tls);

  /** One Redis server, e.g. {@code redis://127.0.0.1:6379}. */
  static Topology standalone(String uri) {
    return new Standalone(uri);
  }

  /**
   * A master found through Sentinel; after a failover the client reconnects to the new master.
   *
   * @param masterId the name of the master set in the sentinels' configuration
   * @param sentinels {@code host:port} of at least one sentinel
   */
  static Topology sentinel(String masterId, List<String> sentinels) {
    return new Sentinel(masterId, sentinels);
  }

  /** A Redis Cluster reached through any of its nodes ({@code redis://host:port}). */
  static Topology cluster(List<String> seedUris) {
    return new Cluster(seedUris, Duration.ofSeconds(10));
  }

  /** Client-side sharding over standalone servers on a consistent-hash ring. */
  static Topology sharded(List<Shard> shards) {
    return new Sharded(shards, ConsistentHashRing.DEFAULT_POINTS_PER_WEIGHT);
  }

  /**
   * A single server.
   *
   * @param uri a {@code redis://} or {@code rediss://} URI
   * @param tls the TLS settings, or null
   */
  record Standalone(String uri, TlsSettings tls) implements Topology {
    /** Validates the URI. */
    public Standalone {
      requireUri(uri);
      requireLink(tls);
    }

    /** A server reached as its URI says. */
    public Standalone(String uri) {
      this(uri, null);
    }

    @Override
    public Standalone withTls(TlsSettings settings) {
      return new Standalone(uri, settings);
    }
  }

  /**
   * A Sentinel-monitored master.
   *
   * @param masterId the master set's name
   * @param sentinels {@code host:port} of the sentinels
   * @param tls the TLS settings of the links to the sentinels and to the master, or null
   */
  record Sentinel(String masterId, List<String> sentinels, TlsSettings tls)
      implements Topology {
    /** Validates and copies. */
    public Sentinel {
      if (masterId == null || masterId.isBlank()) {
        throw new IllegalArgumentException("sentinel masterId '" + masterId + "' is blank");
      }
      if (sentinels == null || sentinels.isEmpty()) {
        throw new IllegalArgumentException("sentinel topology needs at least one sentinel");
      }
      for (String s : sentinels) {
        HostPort.parse(s);
      }
      sentinels = List.copyOf(sentinels);
      requireLink(tls);
    }

    /** A plaintext Sentinel group. */
    public Sentinel(String masterId, List<String> sentinels) {
      this(masterId, sentinels, null);
    }

    @Override
    public Sentinel withTls(TlsSettings settings) {
      return new Sentinel(masterId, sentinels, settings);
    }
  }

  /**
   * A Redis Cluster.
   *
   * @param seedUris {@code redis://} URIs of some of its nodes
   * @param topologyRefresh how often the slot map is refreshed besides the adaptive triggers
   *     (MOVED, reconnects), positive
   * @param tls the TLS settings of the links to every node, or null
   */
  record Cluster(List<String> seedUris, Duration topologyRefresh, TlsSettings tls)
      implements Topology {
    /** Validates and copies. */
    public Cluster {
      if (seedUris == null || seedUris.isEmpty()) {
        throw new IllegalArgumentException("cluster topology needs at least one seed URI");
      }
      seedUris.forEach(Topology::requireUri);
      if (topologyRefresh == null || topologyRefresh.isNegative() || topologyRefresh.isZero()) {
        throw new IllegalArgumentException(
            "topologyRefresh " + topologyRefresh + " must be positive");
      }
      seedUris = List.copyOf(seedUris);
      requireLink(tls);
    }

    /** A cluster reached as its seed URIs say. */
    public Cluster(List<String> seedUris, Duration topologyRefresh) {
      this(seedUris, topologyRefresh, null);
    }

    /** The same cluster with another periodic topology refresh. */
    public Cluster withTopologyRefresh(Duration every) {
      return new Cluster(seedUris, every, tls);
    }

    @Override
    public Cluster withTls(TlsSettings settings) {
      return new Cluster(seedUris, topologyRefresh, settings);
    }
  }

  /**
   * Standalone servers on a consistent-hash ring: each shard owns {@code weight *
   * pointsPerWeight} points of a 64-bit ring and a key belongs to the shard of the first point at
   * or after its hash; adding or removing one shard of {@code N} moves about {@code 1/N} of the
   * keys (their state starts afresh on the new shard).
   *
   * @param shards at least one shard, names unique
   * @param pointsPerWeight virtual nodes per unit of weight, {@code >= 1}
   * @param tls the TLS settings of the links to every shard, or null
   */
  record Sharded(List<Shard> shards, int pointsPerWeight, TlsSettings tls)
      implements Topology {
    /** Validates and copies. */
    public Sharded {
      if (shards == null || shards.isEmpty()) {
        throw new IllegalArgumentException("sharded topology needs at least one shard");
      }
      if (pointsPerWeight < 1) {
        throw new IllegalArgumentException("pointsPerWeight " + pointsPerWeight + " must be >= 1");
      }
      if (shards.stream().map(Shard::name).distinct().count() != shards.size()) {
        throw new IllegalArgumentException("shard names must be unique: " + shards);
      }
      shards = List.copyOf(shards);
      requireLink(tls);
    }

    /** Shards reached as their URIs say. */
    public Sharded(List<Shard> shards, int pointsPerWeight) {
      this(shards, pointsPerWeight, null);
    }

    @Override
    public Sharded withTls(TlsSettings settings) {
      return new Sharded(shards, pointsPerWeight, settings);
    }
  }

  /**
   * One server of a {@link Sharded} topology.
   *
   * @param name the shard's stable name: the ring is built from names, so a server may move to
   *     another address without moving keys
   * @param uri a {@code redis://} URI
   * @param weight relative share of the keys, {@code 1..1000}
   * @param commandTimeout this shard's command timeout, or null for the engine's
   */
  record Shard(String name, String uri, int weight, Duration commandTimeout) {
    /** Validates. */
    public Shard {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("shard name '" + name + "' is blank");
      }
      requireUri(uri);
      if (weight < 1 || weight > 1000) {
        throw new IllegalArgumentException("shard " + name + " weight " + weight
            + " must be in [1, 1000]");
      }
      if (commandTimeout != null && (commandTimeout.isNegative() || commandTimeout.isZero())) {
        throw new IllegalArgumentException("shard " + name + " commandTimeout " + commandTimeout
            + " must be positive");
      }
    }

    /** A shard of weight 1 with the engine's command timeout. */
    public static Shard of(String name, String uri) {
      return new Shard(name, uri, 1, null);
    }
  }

  private static void requireLink(TlsSettings tls) {
    if (tls != null && tls.role() != TlsSettings.Role.CLIENT) {
      throw new IllegalArgumentException(tls.key() + " configures a listener; Redis needs a link");
    }
  }

  private static void requireUri(String uri) {
    if (uri == null || !(uri.startsWith("redis://") || uri.startsWith("rediss://"))) {
      throw new IllegalArgumentException("'" + uri + "' is not a redis:// or rediss:// URI");
    }
  }

  /** A {@code host:port} pair. */
  record HostPort(String host, int port) {
    static HostPort parse(String s) {
      int colon = s == null ? -1 : s.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + s + "' is not host:port");
      }
      try {
        int port = Integer.parseInt(s.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("port of '" + s + "' is out of range");
        }
        return new HostPort(s.substring(0, colon), port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + s + "' is not host:port", e);
      }
    }
  }
}
