package dev.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Sentinel group: a master, one replica, and three sentinels (quorum 2, down after 1 s),
 * all started by the harness ({@code redis-server sentinel.conf --sentinel}).
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
    RedisProcess master = RedisServers.standalone();
    RedisProcess replica = null;
    RedisSentinelGroup g = null;
    try {
      replica = RedisServers.standalone("--replicaof", "127.0.0.1",
          Integer.toString(master.port()));
      g = new RedisSentinelGroup(master, replica);
      for (int i = 0; i < 3; i++) {
        g.sentinels.add(startSentinel(master.port()));
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

  private static RedisProcess startSentinel(int masterPort) {
    int port = RedisServers.freePort(false);
    try {
      Path dir = Files.createTempDirectory("sluice-sentinel-" + port + "-");
      Path conf = dir.resolve("sentinel.conf");
      Files.writeString(conf, String.join("\n",
          "port " + port,
          "bind 127.0.0.1",
          "daemonize no",
          "protected-mode no",
          "dir " + dir,
          "logfile " + dir.resolve("redis.log"),
          "sentinel monitor " + MASTER_ID + " 127.0.0.1 " + masterPort + " 2",
          "sentinel down-after-milliseconds " + MASTER_ID + " 1000",
          "sentinel failover-timeout " + MASTER_ID + " 3000",
          "sentinel parallel-syncs " + MASTER_ID + " 1",
          ""));
      RedisProcess p = new RedisProcess(port, dir, conf, List.of("--sentinel"));
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
