package dev.sluice.synced;

import dev.sluice.redis.RedisEngineProvider;
import dev.sluice.redis.Topology;
import dev.sluice.spi.ConfigSection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The configuration keys the synced and leased engines share with each other and, in part, with
 * {@code engine.type: redis}: {@code topology} (standalone, sentinel or cluster; default
 * standalone) and its keys, {@code tls} (TLS to Redis, docs/tls.md), {@code command-timeout}
 * and {@code sync-interval} (default 250ms, at least 1ms each), and {@code key-prefix}.
 *
 * @param kind the topology's kind as configured, or null when invalid
 * @param prefix the key prefix, or null for the engine's default
 */
record LocalEngineConfig(String kind, Topology topology, Duration timeout, Duration interval,
    String prefix) {
  private static final List<String> TOPOLOGIES = List.of("standalone", "sentinel", "cluster");

  /**
   * Reads the keys that come before the engine's own ones; the paths of {@code tls} resolve
   * against {@code baseDir}.
   */
  static LocalEngineConfig read(ConfigSection engine, Path baseDir) {
    String kind = engine.choice("topology", "standalone", TOPOLOGIES);
    Topology topology = RedisEngineProvider.topology(engine, kind == null ? "standalone" : kind,
        baseDir);
    Duration timeout = engine.duration("command-timeout", Duration.ofMillis(250),
        Duration.ofMillis(1));
    Duration interval = engine.duration("sync-interval", Duration.ofMillis(250),
        Duration.ofMillis(1));
    return new LocalEngineConfig(kind, topology, timeout, interval, null);
  }

  /**
   * Reads the key prefix, after the engine's own keys, and refuses the keys in
   * {@code notApplicable}, each with a problem saying {@code why}.
   */
  LocalEngineConfig finish(ConfigSection engine, List<String> notApplicable, String why) {
    String p = engine.string("key-prefix", null);
    for (String k : notApplicable) {
      if (engine.has(k)) {
        engine.string(k, null);
        engine.problem(k, why);
      }
    }
    return new LocalEngineConfig(kind, topology, timeout, interval, p);
  }

  /** {@code b} with the shared settings. */
  <B extends LocalEngineBuilder<B>> B apply(B b) {
    b.commandTimeout(timeout).syncInterval(interval);
    if (prefix != null) {
      b.keyPrefix(prefix);
    }
    return b;
  }
}
