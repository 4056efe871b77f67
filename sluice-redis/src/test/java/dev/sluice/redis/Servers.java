package dev.sluice.redis;

import dev.sluice.testkit.RedisCluster;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisSentinelGroup;
import dev.sluice.testkit.RedisServers;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Redis servers for the test classes of this module: a class says which with
 * {@link OnRedis}, and reaches them with {@link #topology}, {@link #cluster},
 * {@link #sentinels} or {@link #standalones}. A class that kills or fails its servers over gets
 * its own, started before it and stopped after it; the shared ones are started on first use and
 * stopped with the JVM, for the classes that leave them as they were.
 */
public final class Servers implements BeforeAllCallback, AfterAllCallback {
  private static final Map<Class<?>, Object> STARTED = new ConcurrentHashMap<>();
  private static RedisCluster sharedCluster;

  /** What a class runs on. */
  public enum Kind {
    /** The JVM's standalone server ({@link RedisServers#shared()}). */
    STANDALONE,
    /** The JVM's Cluster of three masters with replicas, shared. */
    CLUSTER,
    /**
     * A Cluster of three masters with replicas of the class's own, its slot map refreshed each
     * second.
     */
    OWN_CLUSTER,
    /** A master, a replica and three sentinels of the class's own. */
    SENTINELS,
    /** {@link OnRedis#servers} standalone servers of the class's own, on a client-side ring. */
    RING
  }

  /** Which servers the annotated test class runs on. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @Inherited
  @ExtendWith(Servers.class)
  public @interface OnRedis {
    /** The kind of servers. */
    Kind value();

    /** How many servers of a {@link Kind#RING}. */
    int servers() default 3;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Class<?> test = context.getRequiredTestClass();
    OnRedis on = test.getAnnotation(OnRedis.class);
    STARTED.put(test, switch (on.value()) {
      case STANDALONE -> RedisServers.shared();
      case CLUSTER -> sharedCluster();
      case OWN_CLUSTER -> RedisCluster.start(3);
      case SENTINELS -> RedisSentinelGroup.start();
      case RING -> {
        List<RedisProcess> servers = new ArrayList<>();
        for (int i = 0; i < on.servers(); i++) {
          servers.add(RedisServers.standalone());
        }
        yield List.copyOf(servers);
      }
    });
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    Class<?> test = context.getRequiredTestClass();
    Object done = STARTED.remove(test);
    switch (test.getAnnotation(OnRedis.class).value()) {
      case OWN_CLUSTER, SENTINELS -> ((AutoCloseable) done).close();
      case RING -> {
        for (Object server : (List<?>) done) {
          ((RedisProcess) server).close();
        }
      }
      default -> { }
    }
  }

  /** The topology that reaches the servers of {@code test}. */
  public static Topology topology(Class<?> test) {
    Object started = started(test);
    return switch (test.getAnnotation(OnRedis.class).value()) {
      case STANDALONE -> Topology.standalone(((RedisProcess) started).uri());
      case CLUSTER -> new Topology.Cluster(((RedisCluster) started).seedUris(),
          Duration.ofSeconds(30));
      case OWN_CLUSTER -> new Topology.Cluster(((RedisCluster) started).seedUris(),
          Duration.ofSeconds(1));
      case SENTINELS -> Topology.sentinel(RedisSentinelGroup.MASTER_ID,
          ((RedisSentinelGroup) started).sentinelAddresses());
      case RING -> {
        List<Topology.Shard> shards = new ArrayList<>();
        List<RedisProcess> servers = standalones(test);
        for (int i = 0; i < servers.size(); i++) {
          shards.add(Topology.Shard.of("s" + i, servers.get(i).uri()));
        }
        yield Topology.sharded(shards);
      }
    };
  }

  /** The Cluster of {@code test}. */
  public static RedisCluster cluster(Class<?> test) {
    return (RedisCluster) started(test);
  }

  /** The sentinel group of {@code test}. */
  public static RedisSentinelGroup sentinels(Class<?> test) {
    return (RedisSentinelGroup) started(test);
  }

  /** The ring's servers of {@code test}. */
  @SuppressWarnings("unchecked")
  public static List<RedisProcess> standalones(Class<?> test) {
    return (List<RedisProcess>) started(test);
  }

  /** The JVM's shared Cluster, started on first use, for a class that needs it besides others. */
  public static synchronized RedisCluster sharedCluster() {
    if (sharedCluster == null) {
      RedisCluster cluster = RedisCluster.start(3);
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
      sharedCluster = cluster;
    }
    return sharedCluster;
  }

  private static Object started(Class<?> test) {
    Object started = STARTED.get(test);
    if (started == null) {
      throw new IllegalStateException(test.getSimpleName() + " has no servers: annotate it "
          + "with @OnRedis");
    }
    return started;
  }
}
