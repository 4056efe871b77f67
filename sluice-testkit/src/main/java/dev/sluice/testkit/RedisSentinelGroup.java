package dev.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Sentinel group: a master, one replica, and three sentinels (quorum 2, down after 1 s),
 * all started by the harness ({@code redis-server sentinel.conf --sentinel}). With {@link
 * #startTls} every process also speaks TLS on its {@link RedisProcess#tlsPort()}, replicates and
 * monitors over TLS, and the sentinels name the master by its TLS port; the plaintext ports stay
 * open for the harness's own checks.
 */
public final class RedisSentinelGroup implements AutoCloseable {
  public static final String MASTER_ID = "sluice";
  private final RedisProcess master;
  private final RedisProcess replica;
  private final List<RedisProcess> sentinels = new ArrayList<>();

  private RedisSentinelGroup(RedisProcess master, RedisProcess replica) {
    this.master = master;
    this.replica = replica;
  }

  /** Starts everything and waits until the sentinels know the replica and each other. */
  public static RedisSentinelGroup start() {
    return start(null, null, null);
  }

  /**
   * {@link #start()} with TLS everywhere: every process serves the PEM chain {@code cert} with
   * {@code key} and trusts {@code ca}; no client certificate is required.
   */
  public static RedisSentinelGroup startTls(Path cert, Path key, Path ca) {
    return start(cert, key, ca);
  }

  private static RedisSentinelGroup start(Path cert, Path key, Path ca) {
    boolean tls = cert != null;
    RedisProcess master = tls
        ? RedisServers.standaloneTls(cert, key, ca, false, "--tls-replication", "yes")
        : RedisServers.standalone();
    int masterPort = tls ? master.tlsPort() : master.port();
    RedisProcess replica = null;
    RedisSentinelGroup g = null;
    try {
      replica = tls
          ? RedisServers.standaloneTls(cert, key, ca, false, "--tls-replication", "yes",
              "--replicaof", "127.0.0.1", Integer.toString(masterPort))
          : RedisServers.standalone("--replicaof", "127.0.0.1", Integer.toString(masterPort));
      g = new RedisSentinelGroup(master, replica);
      for (int i = 0; i < 3; i++) {
        g.sentinels.add(startSentinel(masterPort, cert, key, ca));
      }
      RedisSentinelGroup group = g;
      RedisCluster.await("sentinels see the replica and each other", () -> {
        for (RedisProcess s : group.sentinels) {
          List<?> replicas = (List<?>) s.call("SENTINEL", "SLAVES", MASTER_ID);
          List<?> others = (List<?>) s.call("SENTINEL", "SENTINELS", MASTER_ID);
          if (replicas.size() != 1 || others.size() != 2) {
            return false;
          }
        }
        return ((String) group.replica.call("INFO", "replication"))
            .contains("master_link_status:up");
      });
      return g;
    } catch (RuntimeException e) {
      if (g != null) {
        g.close();
      } else {
        master.close();
        if (replica != null) {
          replica.close();
        }
      }
      throw e;
    }
  }

  private static RedisProcess startSentinel(int masterPort, Path cert, Path key, Path ca) {
    int port = RedisServers.freePort(false);
    int tlsPort = 0;
    List<String> tlsLines = new ArrayList<>();
    if (cert != null) {
      do {
        tlsPort = RedisServers.freePort(false);
      } while (tlsPort == port);
      tlsLines.addAll(List.of("tls-port " + tlsPort,
          "tls-cert-file " + cert.toAbsolutePath(),
          "tls-key-file " + key.toAbsolutePath(),
          "tls-ca-cert-file " + ca.toAbsolutePath(),
          "tls-auth-clients no",
          "tls-replication yes"));
    }
    try {
      Path dir = Files.createTempDirectory("sluice-sentinel-" + port + "-");
      Path conf = dir.resolve("sentinel.conf");
      List<String> lines = new ArrayList<>(List.of(
          "port " + port,
          "bind 127.0.0.1",
          "daemonize no",
          "protected-mode no",
          "dir " + dir,
          "logfile " + dir.resolve("redis.log"),
          "sentinel monitor " + MASTER_ID + " 127.0.0.1 " + masterPort + " 2",
          "sentinel down-after-milliseconds " + MASTER_ID + " 1000",
          "sentinel failover-timeout " + MASTER_ID + " 3000",
          "sentinel parallel-syncs " + MASTER_ID + " 1"));
      lines.addAll(tlsLines);
      lines.add("");
      Files.writeString(conf, String.join("\n", lines));
      RedisProcess p = new RedisProcess(port, tlsPort, dir, conf, List.of("--sentinel"));
      RedisServers.register(p);
      p.launch();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public RedisProcess master() {
    return master;
  }

  public RedisProcess replica() {
    return replica;
  }

  public List<RedisProcess> sentinels() {
    return sentinels;
  }

  /** {@code host:port} of every sentinel. */
  public List<String> sentinelAddresses() {
    return sentinels.stream().map(RedisProcess::hostPort).toList();
  }

  /** {@code 127.0.0.1:<tls port>} of every sentinel of a group started by {@link #startTls}. */
  public List<String> sentinelTlsAddresses() {
    return sentinels.stream().map(s -> "127.0.0.1:" + s.tlsPort()).toList();
  }

  /** The port of the master the sentinels currently name. */
  public int currentMasterPort() {
    for (RedisProcess s : sentinels) {
      if (s.isAlive()) {
        List<?> addr = (List<?>) s.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_ID);
        return Integer.parseInt((String) addr.get(1));
      }
    }
    throw new IllegalStateException("no sentinel alive");
  }

  @Override
  public void close() {
    for (RedisProcess s : sentinels) {
      s.close();
    }
    replica.close();
    master.close();
  }
}
