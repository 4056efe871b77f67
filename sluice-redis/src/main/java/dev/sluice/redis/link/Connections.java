package dev.sluice.redis.link;

import dev.sluice.redis.Topology;
import dev.sluice.spi.EngineHealth;
import dev.sluice.tls.CertificateExpiry;
import dev.sluice.tls.TlsContext;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link Topology} becomes Lettuce client settings: the URIs of a server, a Sentinel group
 * and a Cluster's seeds, and the client options every Sluice connection uses, TLS included.
 * Stateless.
 *
 * <p><b>TLS.</b> With {@link Topology#tls()} set, every URI is marked TLS with full peer
 * verification (the certificate chain and the host name or IP address of the URI), or none at
 * all with {@code insecure-skip-verify}; the key and trust managers come from the link's {@link
 * TlsContext}. Lettuce builds a fresh SSL context from those managers for every connection it
 * opens, and the managers themselves follow the files, so a rotated client certificate or CA is
 * used from the next connection (a reconnect, a new cluster node) on; open connections keep their
 * session. A Cluster's nodes found in its slot map inherit the seed URIs' TLS settings.
 */
public final class Connections {
  private Connections() {}

  /**
   * Options of a connection that reconnects by itself, rejects commands while disconnected (a
   * caller fails fast instead of queueing behind an outage), bounds every command by
   * {@code commandTimeout}, and writes without Nagle's delay.
   */
  public static ClientOptions clientOptions(Duration commandTimeout, Duration connectTimeout) {
    return clientOptions(commandTimeout, connectTimeout, null);
  }

  /**
   * {@link #clientOptions(Duration, Duration)} with the key and trust managers and protocols of
   * {@code tls} for TLS connections (null: the JDK's defaults for {@code rediss://} URIs). The
   * TLS handshake is bounded by {@code connectTimeout} too.
   */
  public static ClientOptions clientOptions(Duration commandTimeout, Duration connectTimeout,
      TlsContext tls) {
    ClientOptions.Builder b = ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
        .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout)
            .keepAlive(true).tcpNoDelay(true).build());
    if (tls != null) {
      b.sslOptions(SslOptions.builder().jdkSslProvider()
          .keyManager(tls.keyManagerFactory())
          .trustManager(tls.trustManagerFactory())
          .protocols(tls.protocols())
          .handshakeTimeout(connectTimeout)
          .build());
    }
    return b.build();
  }

  /**
   * The certificates in force of {@code tls} (null: none), as an engine's health reports them so
   * that the service exports their expiry beside its listeners'.
   */
  public static List<EngineHealth.Certificate> certificates(TlsContext tls) {
    if (tls == null) {
      return List.of();
    }
    List<EngineHealth.Certificate> out = new ArrayList<>();
    for (CertificateExpiry e : tls.expiries()) {
      out.add(new EngineHealth.Certificate(e.key(), e.notAfter().toEpochMilli()));
    }
    return out;
  }

  /**
   * Opens the TLS context of {@code topology}'s links, or returns null when it has no TLS block;
   * the caller closes it with its clients.
   *
   * @throws dev.sluice.tls.TlsException naming the key, the file and the reason when a file
   *     cannot be used
   */
  public static TlsContext openTls(Topology topology) {
    return topology.tls() == null ? null : TlsContext.open(topology.tls());
  }

  /** The URI of one server of {@code topology}, marked TLS when the topology's block says so. */
  public static RedisURI uri(Topology topology, String uri) {
    return secure(topology, RedisURI.create(uri));
  }

  /** {@code uri} marked TLS with the verification of {@code topology}'s block, if it has one. */
  private static RedisURI secure(Topology topology, RedisURI uri) {
    if (topology.tls() != null) {
      uri.setSsl(true);
      uri.setVerifyPeer(topology.tls().insecureSkipVerify()
          ? SslVerifyMode.NONE : SslVerifyMode.FULL);
    }
    return uri;
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
    if (t.tls() != null) {
      // On a sentinel URI, TLS applies to every sentinel and to the master they name.
      b.withSsl(true).withVerifyPeer(t.tls().insecureSkipVerify()
          ? SslVerifyMode.NONE : SslVerifyMode.FULL);
    }
    return b.build();
  }

  /** The seed URIs of a Cluster, each with {@code timeout} as its command timeout. */
  public static List<RedisURI> seeds(Topology.Cluster t, Duration timeout) {
    List<RedisURI> seeds = new ArrayList<>();
    for (String u : t.seedUris()) {
      RedisURI uri = uri(t, u);
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
