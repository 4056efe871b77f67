package dev.sluice.redis;

import dev.sluice.testkit.RedisCluster;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisSentinelGroup;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Redis servers for a test class, as a field it registers
 * ({@code @RegisterExtension static final Servers<RedisCluster> CLUSTER = Servers.cluster();}),
 * with the {@link Topology} that reaches them: either started before the class and stopped after
 * it, for a class that kills or fails them over, or started once and shared by every class of
 * the test JVM that leaves them as they were ({@link #cluster}), stopped with the JVM.
 *
 * @param <T> what is started: a cluster, a sentinel group, a list of servers
 */
public final class Servers<T> implements BeforeAllCallback, AfterAllCallback {
  private static RedisCluster sharedCluster;

  private final Supplier<T> start;
  private final Function<T, Topology> topology;
  private final boolean shared;
  private T started;

  private Servers(Supplier<T> start, Function<T, Topology> topology, boolean shared) {
    this.start = start;
    this.topology = topology;
    this.shared = shared;
  }

  /** The JVM's Redis Cluster of three masters with replicas, started on first use. */
  public static Servers<RedisCluster> cluster() {
    return new Servers<>(Servers::sharedCluster, c -> clusterTopology(c, Duration.ofSeconds(30)),
        true);
  }

  /**
   * A Redis Cluster of three masters with replicas for the class alone, whose topology refreshes
   * its slot map every second (it follows a failover soon).
   */
  public static Servers<RedisCluster> clusterPerClass() {
    return new Servers<>(() -> RedisCluster.start(3),
        c -> clusterTopology(c, Duration.ofSeconds(1)), false);
  }

  /** A master, a replica and three sentinels for the class alone; the topology asks them. */
  public static Servers<RedisSentinelGroup> sentinels() {
    return new Servers<>(RedisSentinelGroup::start,
        g -> Topology.sentinel(RedisSentinelGroup.MASTER_ID, g.sentinelAddresses()), false);
  }

  /**
   * {@code count} standalone servers for the class alone; the topology is a client-side ring of
   * them, equal weights.
   */
  public static Servers<List<RedisProcess>> ring(int count) {
    return new Servers<>(() -> startStandalones(count), servers -> {
      List<Topology.Shard> shards = new ArrayList<>();
      for (int i = 0; i < servers.size(); i++) {
        shards.add(Topology.Shard.of("s" + i, servers.get(i).uri()));
      }
      return Topology.sharded(shards);
    }, false);
  }

  /** The topology that reaches what was started. */
  public Topology topology() {
    return topology.apply(get());
  }

  /** What was started for the running class. */
  public T get() {
    if (started == null) {
      throw new IllegalStateException("not started: register the field with @RegisterExtension");
    }
    return started;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    started = start.get();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    T done = started;
    started = null;
    if (shared || done == null) {
      return;
    }
    if (done instanceof AutoCloseable c) {
      c.close();
    } else if (done instanceof List<?> list) {
      for (Object server : list) {
        ((RedisProcess) server).close();
      }
    }
  }

  private static Topology clusterTopology(RedisCluster cluster, Duration refresh) {
    return new Topology.Cluster(cluster.seedUris(), refresh);
  }

  private static List<RedisProcess> startStandalones(int count) {
    List<RedisProcess> servers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      servers.add(RedisServers.standalone());
    }
    return servers;
  }

  private static synchronized RedisCluster sharedCluster() {
    if (sharedCluster == null) {
      RedisCluster cluster = RedisCluster.start(3);
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
      sharedCluster = cluster;
    }
    return sharedCluster;
  }
}
