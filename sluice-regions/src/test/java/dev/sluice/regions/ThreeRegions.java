package dev.sluice.regions;

import dev.sluice.ManualTimeSource;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.CuttableProxy;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Three regions, {@code ap}, {@code eu} and {@code us} (weights 2, 2, 1: the seed's 400 / 400 /
 * 200 of 1000), each with its own real redis-server and one engine instance on a manual clock
 * that exchanges only when told. An instance reaches its own Redis directly and every other
 * region's through a {@link CuttableProxy} of its own, so a region can be cut off (a partition)
 * or its links slowed.
 */
final class ThreeRegions implements AutoCloseable {
  static final List<String> NAMES = List.of("ap", "eu", "us");
  static final long START = 1_000L * 60_000_000L + 1;

  final Map<String, RedisProcess> redis = new LinkedHashMap<>();
  /** from region, to region: the proxy the first's instance reaches the second's Redis by. */
  final Map<String, Map<String, CuttableProxy>> links = new LinkedHashMap<>();
  final Map<String, RegionalEngine> engines = new LinkedHashMap<>();
  final ManualTimeSource clock = TimeSource.manual(START);
  final Duration interval;

  /** Regions whose commands time out after a second (ample on a loaded machine). */
  ThreeRegions(Duration interval, Consumer<RegionalEngine.Builder> config) {
    this(interval, Duration.ofSeconds(1), config);
  }

  ThreeRegions(Duration interval, Duration timeout, Consumer<RegionalEngine.Builder> config) {
    this.interval = interval;
    try {
      for (String r : NAMES) {
        redis.put(r, RedisServers.standalone());
      }
      for (String from : NAMES) {
        Map<String, CuttableProxy> out = new LinkedHashMap<>();
        Map<String, Topology> topologies = new LinkedHashMap<>();
        for (String to : NAMES) {
          if (to.equals(from)) {
            topologies.put(to, Topology.standalone(redis.get(to).uri()));
          } else {
            CuttableProxy p = CuttableProxy.to(redis.get(to).port());
            out.put(to, p);
            topologies.put(to, Topology.standalone("redis://127.0.0.1:" + p.port()));
          }
        }
        links.put(from, out);
        RegionalEngine.Builder b = RegionalEngine.builder(from, topologies)
            .weight("ap", 2).weight("eu", 2).weight("us", 1)
            .timeSource(clock).exchangeInterval(interval)
            .commandTimeout(timeout).autoExchange(false);
        config.accept(b);
        engines.put(from, b.build());
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  RegionalEngine engine(String region) {
    return engines.get(region);
  }

  /** Cuts every link into and out of {@code region}. */
  void partition(String region) {
    links.forEach((from, out) -> out.forEach((to, p) -> {
      if (from.equals(region) || to.equals(region)) {
        p.cut();
      }
    }));
  }

  /** Restores every link. */
  void heal() {
    links.values().forEach(out -> out.values().forEach(CuttableProxy::restore));
  }

  /** Delays every link between regions by {@code oneWay} in each direction. */
  void latency(Duration oneWay) {
    links.values().forEach(out -> out.values().forEach(p -> p.latency(oneWay)));
  }

  /** One exchange round of every instance, in region order; whether all succeeded. */
  boolean exchangeAll() {
    boolean ok = true;
    for (RegionalEngine e : engines.values()) {
      ok &= e.exchangeNow();
    }
    return ok;
  }

  @Override
  public void close() {
    engines.values().forEach(RegionalEngine::close);
    links.values().forEach(out -> out.values().forEach(CuttableProxy::close));
    redis.values().forEach(RedisProcess::close);
  }
}
