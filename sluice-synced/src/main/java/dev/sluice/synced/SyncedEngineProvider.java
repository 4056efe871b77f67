package dev.sluice.synced;

import dev.sluice.spi.ConfigSection;
import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.EngineSpec;
import dev.sluice.spi.FileKeysEngineProvider;
import dev.sluice.spi.ProvidedEngine;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code engine.type: synced}: decisions in process, counts synced through Redis
 * ({@link SyncedEngine}, docs/distributed.md).
 *
 * <p>Keys shared with {@code engine.type: redis}: {@code topology} (standalone, sentinel or
 * cluster; default standalone; sharded is refused), {@code uri}, {@code nodes},
 * {@code sentinel-master}, {@code tls}, {@code command-timeout} (default 250ms), {@code key-prefix}
 * (default {@code sluice:synced:}). Its own: {@code sync-interval} (default 250ms, at least 1ms)
 * and {@code expected-instances} (the fewest instances to divide a hot key's remainder among,
 * default 1). The Redis engine's {@code time}, {@code failure-policy}, {@code local-share} and
 * {@code denial-cache} do not apply (decisions are local and never degraded) and are refused.
 *
 * <p>Found through {@link java.util.ServiceLoader}; applications use {@link SyncedEngine}.
 */
public final class SyncedEngineProvider extends FileKeysEngineProvider {
  private static final List<String> NOT_APPLICABLE =
      List.of("time", "failure-policy", "local-share", "denial-cache");

  /** The provider ServiceLoader instantiates. */
  public SyncedEngineProvider() {
    super("synced");
  }

  @Override
  public EngineSpec read(ConfigSection engine, Path baseDir) {
    LocalEngineConfig shared = LocalEngineConfig.read(engine, baseDir);
    int expected = engine.integer("expected-instances", 1, 1, 1_000_000);
    LocalEngineConfig c = shared.finish(engine, NOT_APPLICABLE, "does not apply to engine.type "
        + "synced, which decides every check locally and never degraded: remove it");
    return EngineSpec.of("synced-" + c.kind(), () -> {
      SyncedEngine e = c.apply(SyncedEngine.builder(c.topology()))
          .expectedInstances(expected)
          .build();
      String peer = "redis-" + c.kind();
      return new ProvidedEngine(e, () -> health(e, peer));
    });
  }

  /**
   * The engine's health: no breaker (a synced engine never stops deciding), one {@link
   * EngineHealth.Sync} for its exchange with the shared store. The full figures are in {@link
   * SyncedEngine#stats()}.
   */
  static EngineHealth health(SyncedEngine engine, String peer) {
    SyncStats s = engine.stats();
    return new EngineHealth(List.of(), List.of(new EngineHealth.Sync(peer,
        s.intervalMicros() / 1000, s.lastSyncAgeMicros() < 0 ? -1 : s.lastSyncAgeMicros() / 1000,
        s.rounds() == 0 ? -1 : s.lastRoundMicros() / 1000, s.consecutiveFailures(),
        s.pendingKeys(), 0))).withCertificates(engine.link.certificates());
  }
}
