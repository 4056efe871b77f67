package dev.sluice.synced;

import dev.sluice.spi.ConfigSection;
import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.EngineSpec;
import dev.sluice.spi.FileKeysEngineProvider;
import dev.sluice.spi.ProvidedEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code engine.type: leased}: decisions in process on leases of permits from central pools in
 * Redis ({@link LeasedEngine}, docs/distributed.md).
 *
 * <p>Keys shared with {@code engine.type: redis}: {@code topology} (standalone, sentinel or
 * cluster; default standalone; sharded is refused), {@code uri}, {@code nodes},
 * {@code sentinel-master}, {@code tls}, {@code command-timeout} (default 250ms), {@code key-prefix}
 * (default {@code sluice:leased:}). Its own: {@code sync-interval} (how often leases are
 * renewed, topped up and returned; default 250ms, at least 1ms), {@code lease-ttl} (default four
 * intervals, at least 1s; at least three intervals) and {@code max-lease-percent} (the largest
 * lease as a percentage of the limit, 1-100, default 10). The Redis engine's {@code time},
 * {@code failure-policy}, {@code local-share} and {@code denial-cache}, and the synced engine's
 * {@code expected-instances}, do not apply and are refused.
 *
 * <p>Found through {@link java.util.ServiceLoader}; applications use {@link LeasedEngine}.
 */
public final class LeasedEngineProvider extends FileKeysEngineProvider {
  private static final List<String> NOT_APPLICABLE = List.of("time", "failure-policy",
      "local-share", "denial-cache", "expected-instances");

  /** The provider ServiceLoader instantiates. */
  public LeasedEngineProvider() {
    super("leased");
  }

  @Override
  public EngineSpec read(ConfigSection engine, Path baseDir) {
    LocalEngineConfig shared = LocalEngineConfig.read(engine, baseDir);
    Duration interval = shared.interval();
    Duration ttl = engine.has("lease-ttl")
        ? engine.duration("lease-ttl", null, Duration.ofMillis(3)) : null;
    if (ttl != null && interval != null && ttl.compareTo(interval.multipliedBy(3)) < 0) {
      engine.problem("lease-ttl", ttl + " must be at least three sync intervals ("
          + interval.multipliedBy(3) + "): a lease is renewed every interval and its holder "
          + "stops spending it one interval before it expires");
    }
    int percent = engine.integer("max-lease-percent", 10, 1, 100);
    LocalEngineConfig c = shared.finish(engine, NOT_APPLICABLE, "does not apply to engine.type "
        + "leased, which decides every check locally on leases and never degraded: remove it");
    return EngineSpec.of("leased-" + c.kind(), () -> {
      LeasedEngine.Builder b = c.apply(LeasedEngine.builder(c.topology()))
          .maxLeaseFraction(percent / 100.0);
      if (ttl != null) {
        b.leaseTtl(ttl);
      }
      LeasedEngine e = b.build();
      String peer = "redis-" + c.kind();
      return new ProvidedEngine(e, () -> health(e, peer));
    });
  }

  /**
   * The engine's health: no breaker (a leased engine never stops deciding), one {@link
   * EngineHealth.Sync} for its exchange with the pools, with the permits it holds in leases.
   */
  static EngineHealth health(LeasedEngine engine, String peer) {
    LeaseStats s = engine.stats();
    return new EngineHealth(List.of(), List.of(new EngineHealth.Sync(peer,
        s.intervalMicros() / 1000, s.lastSyncAgeMicros() < 0 ? -1 : s.lastSyncAgeMicros() / 1000,
        s.rounds() == 0 ? -1 : s.lastRoundMicros() / 1000, s.consecutiveFailures(),
        s.lastRoundKeys(), s.leasedPermits()))).withCertificates(engine.link.certificates());
  }
}
