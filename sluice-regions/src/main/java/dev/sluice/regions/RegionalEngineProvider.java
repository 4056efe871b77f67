package dev.sluice.regions;

import dev.sluice.redis.RedisEngineProvider;
import dev.sluice.redis.Topology;
import dev.sluice.spi.ConfigSection;
import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.EngineSpec;
import dev.sluice.spi.FileKeysEngineProvider;
import dev.sluice.spi.ProvidedEngine;
import dev.sluice.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code engine.type: regional}: a global limit split into regional allocations, each enforced on
 * its region's Redis, usage exchanged between regions ({@link RegionalEngine}, docs/regions.md).
 *
 * <p>Keys: {@code region} (this instance's region, required), {@code regions} (every region's
 * name, required), {@code redis.NAME} for each region (the topology keys of
 * {@code engine.type: redis}: {@code topology} standalone, sentinel or cluster, {@code uri},
 * {@code nodes}, {@code sentinel-master}, {@code tls}; and {@code weight}, default 1),
 * {@code tls} (TLS to every region's Redis without a {@code tls} block of its own),
 * {@code allocation}
 * ({@code static}, the default, or {@code demand}), {@code floor} (a region's floor as a share
 * of its static allocation, default 0.25), {@code hysteresis} (default 0.02),
 * {@code exchange-interval} (default 500ms), {@code command-timeout} (default 250ms) and
 * {@code key-prefix} (default {@code sluice:regions:}).
 *
 * <p>Found through {@link java.util.ServiceLoader}; applications use {@link RegionalEngine}.
 */
public final class RegionalEngineProvider extends FileKeysEngineProvider {
  private static final List<String> TOPOLOGIES = List.of("standalone", "sentinel", "cluster");

  /** The provider ServiceLoader instantiates. */
  public RegionalEngineProvider() {
    super("regional");
  }

  @Override
  public EngineSpec read(ConfigSection engine, Path baseDir) {
    String region = engine.string("region", null);
    List<String> names = engine.strings("regions");
    if (region == null) {
      engine.problem("region", "is required: this instance's region, one of 'regions'");
    } else if (!RegionalEngine.REGION_NAME.matcher(region).matches()) {
      engine.problem("region", "'" + region + "' must match " + RegionalEngine.REGION_NAME);
    } else if (!names.isEmpty() && !names.contains(region)) {
      engine.problem("region", "'" + region + "' is not among regions " + names);
    }
    if (names.isEmpty()) {
      engine.problem("regions", "is required: the name of every region, this one's included");
    }
    // engine.tls reaches every region's Redis that has no tls block of its own
    TlsSettings sharedTls = RedisEngineProvider.tls(engine, baseDir);
    ConfigSection redis = engine.section("redis");
    Map<String, Topology> topologies = new LinkedHashMap<>();
    Map<String, Long> weights = new LinkedHashMap<>();
    for (String name : names) {
      if (!RegionalEngine.REGION_NAME.matcher(name).matches()) {
        engine.problem("regions", "region name '" + name + "' must match "
            + RegionalEngine.REGION_NAME);
        continue;
      }
      if (topologies.containsKey(name)) {
        engine.problem("regions", "region '" + name + "' is listed twice");
        continue;
      }
      if (!redis.has(name)) {
        redis.problem(name, "is required: region '" + name + "' needs its Redis");
      }
      ConfigSection r = redis.section(name);
      String kind = r.choice("topology", "standalone", TOPOLOGIES);
      Topology t = RedisEngineProvider.topology(r, kind == null ? "standalone" : kind, baseDir);
      topologies.put(name, t.tls() == null && sharedTls != null ? t.withTls(sharedTls) : t);
      weights.put(name, r.longValue("weight", 1, 1, 1_000_000));
      r.finish();
    }
    redis.finish();
    String mode = engine.choice("allocation", "static", List.of("static", "demand"));
    double floor = share(engine, "floor", 0.25, true);
    double hysteresis = share(engine, "hysteresis", 0.02, false);
    Duration interval = engine.duration("exchange-interval", Duration.ofMillis(500),
        Duration.ofMillis(1));
    Duration timeout = engine.duration("command-timeout", Duration.ofMillis(250),
        Duration.ofMillis(1));
    String prefix = engine.string("key-prefix", null);
    if (prefix != null && (prefix.length() > 48 || prefix.indexOf('{') >= 0
        || prefix.indexOf('}') >= 0)) {
      engine.problem("key-prefix", "'" + prefix + "' must be at most 48 characters without "
          + "braces");
    }
    return EngineSpec.of("regional-" + region, () -> {
      RegionalEngine.Builder b = RegionalEngine.builder(region, topologies)
          .rebalance("demand".equals(mode))
          .floorShare(floor)
          .hysteresisShare(hysteresis)
          .exchangeInterval(interval)
          .commandTimeout(timeout);
      weights.forEach(b::weight);
      if (prefix != null) {
        b.keyPrefix(prefix);
      }
      RegionalEngine e = b.build();
      return new ProvidedEngine(e, () -> health(e));
    });
  }

  private static double share(ConfigSection engine, String key, double def, boolean closed) {
    String text = engine.string(key, Double.toString(def));
    try {
      double v = Double.parseDouble(text);
      if (v >= 0 && (closed ? v <= 1 : v < 1)) {
        return v;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    engine.problem(key, "'" + text + "' must be a number in [0, 1" + (closed ? "]" : ")"));
    return def;
  }

  /**
   * The engine's health: one {@link EngineHealth.Region} (allocation, admitted, partitioned) and
   * one {@link EngineHealth.Sync} per region ({@code region:NAME}, this
   * one's own Redis included), with the slots exchanged as pending keys. Allocation, usage and
   * partition of each region are in {@link RegionalEngine#stats()}.
   */
  static EngineHealth health(RegionalEngine engine) {
    RegionalStats s = engine.stats();
    List<EngineHealth.Sync> syncs = new ArrayList<>();
    List<EngineHealth.Region> regions = new ArrayList<>();
    for (RegionalStats.RegionView v : s.regions()) {
      syncs.add(new EngineHealth.Sync("region:" + v.region(), s.intervalMicros() / 1000,
          v.lastExchangeAgeMicros() < 0 ? -1 : v.lastExchangeAgeMicros() / 1000,
          v.lastRoundMicros() < 0 ? -1 : v.lastRoundMicros() / 1000, v.consecutiveFailures(),
          s.slots(), 0));
      regions.add(new EngineHealth.Region(v.region(), v.own(), v.partitioned(), v.allocation(),
          v.admitted()));
    }
    return new EngineHealth(List.of(), syncs, regions).withCertificates(engine.certificates());
  }
}
