package dev.sluice.redis;

import dev.sluice.spi.ConfigSection;
import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.EngineSpec;
import dev.sluice.spi.FileKeysEngineProvider;
import dev.sluice.spi.ProvidedEngine;
import dev.sluice.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code engine.type: redis}: state shared through Redis ({@code sluice-redis}, docs/redis.md).
 *
 * <p>Keys: {@code topology} (standalone, sentinel, cluster or sharded; default standalone);
 * {@code uri} (standalone); {@code nodes} (the Sentinels, the Cluster seeds, or the shards'
 * {@code redis://} URIs, in ring order); {@code sentinel-master} (the monitored master's name);
 * {@code command-timeout} (default 250ms); {@code time} (server: Redis's TIME, the default, so
 * instances with skewed clocks agree; or client: this process's clock); {@code failure-policy}
 * (fail-open, fail-closed or local; default local), {@code local-share} (with local: the part of
 * each limit this instance may grant alone while Redis is unreachable, default 1.0);
 * {@code denial-cache} (default true); {@code key-prefix}; {@code tls} (a link block, docs/tls.md:
 * TLS to every server of the topology).
 *
 * <p>Found through {@link java.util.ServiceLoader}; applications use {@link RedisEngine} directly.
 */
public final class RedisEngineProvider extends FileKeysEngineProvider {
  private static final List<String> TOPOLOGIES =
      List.of("standalone", "sentinel", "cluster", "sharded");

  /** The provider ServiceLoader instantiates. */
  public RedisEngineProvider() {
    super("redis");
  }

  @Override
  public EngineSpec read(ConfigSection engine, Path baseDir) {
    String kind = engine.choice("topology", "standalone", TOPOLOGIES);
    Topology topology = topology(engine, kind, baseDir);
    Duration timeout = engine.duration("command-timeout", Duration.ofMillis(250),
        Duration.ofMillis(1));
    String time = engine.choice("time", "server", List.of("server", "client"));
    String policyName = engine.choice("failure-policy", "local",
        List.of("fail-open", "fail-closed", "local"));
    double share = share(engine);
    boolean denialCache = engine.bool("denial-cache", true);
    String prefix = engine.string("key-prefix", null);
    FailurePolicy policy = switch (policyName == null ? "local" : policyName) {
      case "fail-open" -> FailurePolicy.failOpen();
      case "fail-closed" -> FailurePolicy.failClosed();
      default -> FailurePolicy.local(share);
    };
    return EngineSpec.observed("redis-" + kind, observer -> {
      RedisEngine.Builder b = RedisEngine.builder(topology)
          .observer(observer)
          .commandTimeout(timeout)
          .defaultPolicy(policy)
          .denialCache(denialCache);
      if ("server".equals(time)) {
        b.serverTime();
      }
      if (prefix != null) {
        b.keyPrefix(prefix);
      }
      RedisEngine e = b.build();
      return new ProvidedEngine(e, () -> health(e));
    });
  }

  /**
   * Each endpoint's breaker, as the service reports it. Reading it lets an open breaker whose
   * open period is over try its endpoint with a PING ({@link Endpoint#probeIfDue}), so the
   * health of an instance that gets no checks (one out of rotation because it is not ready)
   * still comes back with its backend.
   */
  static EngineHealth health(RedisEngine engine) {
    List<EngineHealth.Breaker> breakers = new ArrayList<>();
    for (Endpoint e : engine.backend().endpoints()) {
      e.probeIfDue();
      breakers.add(new EngineHealth.Breaker(e.name(), switch (e.breaker().state()) {
        case CLOSED -> EngineHealth.Circuit.CLOSED;
        case HALF_OPEN -> EngineHealth.Circuit.HALF_OPEN;
        case OPEN -> EngineHealth.Circuit.OPEN;
      }));
    }
    return new EngineHealth(breakers).withCertificates(engine.certificates());
  }

  private static double share(ConfigSection engine) {
    String text = engine.string("local-share", "1.0");
    try {
      double share = Double.parseDouble(text);
      if (share > 0 && share <= 1) {
        return share;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    engine.problem("local-share", "'" + text + "' must be a number in (0, 1]");
    return 1.0;
  }

  /**
   * Reads the topology keys of an {@code engine} section for topology {@code kind}
   * ({@code standalone}: {@code uri}; {@code sentinel}: {@code sentinel-master} and
   * {@code nodes}; {@code cluster} and {@code sharded}: {@code nodes}) and its {@code tls} block,
   * recording a problem on the section when they are wrong. Shared with the engines that keep
   * their state in Redis too (synced, leased, regional).
   *
   * @param baseDir the folder relative paths of the {@code tls} block resolve against
   * @return the topology; a placeholder standalone one when a problem was recorded
   */
  public static Topology topology(ConfigSection engine, String kind, Path baseDir) {
    TlsSettings tls = tls(engine, baseDir);
    Topology topology = topology(engine, kind);
    return tls == null ? topology : topology.withTls(tls);
  }

  /**
   * Reads the {@code tls} block of {@code section} as a link's (docs/tls.md), recording each
   * problem with its key, file and reason.
   *
   * @return the settings, or null when the block is absent or unusable
   */
  public static TlsSettings tls(ConfigSection section, Path baseDir) {
    if (!section.has("tls")) {
      return null;
    }
    return TlsSettings.read(section.section("tls"), baseDir, TlsSettings.Role.CLIENT);
  }

  private static Topology topology(ConfigSection engine, String kind) {
    try {
      return switch (kind == null ? "standalone" : kind) {
        case "sentinel" -> Topology.sentinel(
            engine.string("sentinel-master", "mymaster"), nodes(engine));
        case "cluster" -> Topology.cluster(nodes(engine));
        case "sharded" -> {
          List<Topology.Shard> shards = new ArrayList<>();
          List<String> uris = nodes(engine);
          for (int i = 0; i < uris.size(); i++) {
            shards.add(Topology.Shard.of("shard-" + i, uris.get(i)));
          }
          yield Topology.sharded(shards);
        }
        default -> Topology.standalone(engine.string("uri", "redis://127.0.0.1:6379"));
      };
    } catch (IllegalArgumentException e) {
      engine.problem("topology", e.getMessage());
      return Topology.standalone("redis://127.0.0.1:6379");
    }
  }

  private static List<String> nodes(ConfigSection engine) {
    List<String> nodes = engine.strings("nodes");
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("'nodes' must list at least one redis:// URI");
    }
    return nodes;
  }
}
