package dev.sluice.redis.link;

import dev.sluice.redis.Topology;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link Topology} becomes Lettuce client settings: the URIs of a Sentinel group and of a
 * Cluster's seeds, and the client options every Sluice connection uses. Stateless.
 */
public final class Connections {
  private Connections() {}

  /**
   * Options of a connection that reconnects by itself, rejects commands while disconnected (a
   * caller fails fast instead of queueing behind an outage), bounds every command by
   * {@code commandTimeout}, and writes without Nagle's delay.
   */
  public static ClientOptions clientOptions(Duration commandTimeout, Duration connectTimeout) {
    return ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
        .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout)
            .keepAlive(true).tcpNoDelay(true).build())
        .build();
  }

  /**
   * {@code base} for a Cluster client: Lettuce opens the per-node connections of a cluster
   * lazily, so rejecting commands while disconnected would reject the first command to every
   * node; a cluster buffers them instead (the command timeout still bounds every wait). The slot
   * map is refreshed every {@link Topology.Cluster#topologyRefresh()} and on Lettuce's adaptive
   * triggers (MOVED, ASK, reconnects), which Lettuce 7 enables by default.
   *
   * @param adaptiveTimeout how soon after one adaptive refresh another may run, or null for
   *     Lettuce's default
   */
  public static ClusterClientOptions clusterOptions(ClientOptions base, Topology.Cluster t,
      Duration adaptiveTimeout) {
    ClusterTopologyRefreshOptions.Builder refresh = ClusterTopologyRefreshOptions.builder()
        .enablePeriodicRefresh(t.topologyRefresh());
    if (adaptiveTimeout != null) {
      refresh.adaptiveRefreshTriggersTimeout(adaptiveTimeout);
    }
    return ClusterClientOptions.builder(base)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
        .topologyRefreshOptions(refresh.build())
        .build();
  }

  /** The URI of a Sentinel-monitored master, through every sentinel of the topology. */
  public static RedisURI sentinelUri(Topology.Sentinel t) {
    String[] first = hostPort(t.sentinels().get(0));
    RedisURI.Builder b = RedisURI.Builder.sentinel(first[0], Integer.parseInt(first[1]),
        t.masterId());
    for (String other : t.sentinels().subList(1, t.sentinels().size())) {
      String[] hp = hostPort(other);
      b.withSentinel(hp[0], Integer.parseInt(hp[1]));
    }
    return b.build();
  }

  /** The seed URIs of a Cluster, each with {@code timeout} as its command timeout. */
  public static List<RedisURI> seeds(Topology.Cluster t, Duration timeout) {
    List<RedisURI> seeds = new ArrayList<>();
    for (String u : t.seedUris()) {
      RedisURI uri = RedisURI.create(u);
      if (timeout != null) {
        uri.setTimeout(timeout);
      }
      seeds.add(uri);
    }
    return seeds;
  }

  /** {@code host:port} of a URI (the shard label of its metrics). */
  public static String hostPort(RedisURI uri) {
    return uri.getHost() + ":" + uri.getPort();
  }

  /** A sentinel's {@code host:port}, validated by {@link Topology.Sentinel}. */
  private static String[] hostPort(String s) {
    int colon = s.lastIndexOf(':');
    return new String[] {s.substring(0, colon), s.substring(colon + 1)};
  }
}
