package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.spi.ConfigSection;
import dev.sluice.spi.EngineProvider;
import dev.sluice.spi.ProvidedEngine;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** {@code engine.type: synced} is found by ServiceLoader and reads its keys, naming bad ones. */
class SyncedEngineProviderTest {

  @Test
  void serviceLoader_findsTheSyncedProvider_whichBuildsAWorkingEngine() {
    EngineProvider p = provider("synced");
    MapSection engine = new MapSection(Map.of("uri", RedisServers.shared().uri(),
        "sync-interval", Duration.ofMillis(100), "expected-instances", 3,
        "key-prefix", "provider:"));
    var spec = p.read(engine);
    assertThat(engine.problems).isEmpty();
    assertThat(spec.name()).isEqualTo("synced-standalone");
    try (ProvidedEngine e = spec.create()) {
      assertThat(e.engine().limiter(Rule.of("p", Limit.fixedWindow(30, Duration.ofMinutes(1))))
          .tryAcquire("k")).isTrue();
      // No breaker: a synced engine never stops deciding; its exchange is a Sync record.
      assertThat(e.health().get().breakers()).isEmpty();
      assertThat(e.health().get().syncs()).singleElement().satisfies(s -> {
        assertThat(s.peer()).isEqualTo("redis-standalone");
        assertThat(s.intervalMillis()).isEqualTo(100);
        assertThat(s.leasedPermits()).isZero();
      });
      assertThat(e.engine().decidesInline()).isTrue();
    }
  }

  @Test
  void read_refusesKeysOfTheRedisEngineThatDoNotApply_andShardedTopologies() {
    MapSection engine = new MapSection(Map.of("failure-policy", "fail-open",
        "topology", "sharded"));
    new SyncedEngineProvider().read(engine);
    assertThat(engine.problems).anyMatch(s -> s.startsWith("failure-policy: does not apply"));
    assertThat(engine.problems).anyMatch(s -> s.startsWith("topology:"));
  }

  /** A configuration section over a map, recording problems. */
  static final class MapSection implements ConfigSection {
    final Map<String, Object> values;
    final List<String> problems = new ArrayList<>();

    MapSection(Map<String, Object> values) {
      this.values = new HashMap<>(values);
    }

    @Override
    public String key(String name) {
      return "engine." + name;
    }

    @Override
    public void problem(String name, String why) {
      problems.add(name + ": " + why);
    }

    @Override
    public boolean has(String name) {
      return values.containsKey(name);
    }

    @Override
    public ConfigSection section(String name) {
      return new MapSection(Map.of());
    }

    @Override
    public String string(String name, String def) {
      Object v = values.get(name);
      return v == null ? def : v.toString();
    }

    @Override
    public int integer(String name, int def, int min, int max) {
      Object v = values.get(name);
      return v == null ? def : (Integer) v;
    }

    @Override
    public long longValue(String name, long def, long min, long max) {
      Object v = values.get(name);
      return v == null ? def : ((Number) v).longValue();
    }

    @Override
    public boolean bool(String name, boolean def) {
      Object v = values.get(name);
      return v == null ? def : (Boolean) v;
    }

    @Override
    public Duration duration(String name, Duration def, Duration min) {
      Object v = values.get(name);
      return v == null ? def : (Duration) v;
    }

    @Override
    public String choice(String name, String def, List<String> allowed) {
      String v = string(name, def);
      if (!allowed.contains(v)) {
        problem(name, "'" + v + "' is not one of " + allowed);
        return def;
      }
      return v;
    }

    @Override
    public List<String> strings(String name) {
      return List.of();
    }

    @Override
    public void finish() {}
  }

  /** The provider of {@code type} that ServiceLoader finds. */
  static EngineProvider provider(String type) {
    return ServiceLoader.load(EngineProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(x -> x.type().equals(type)).findFirst().orElseThrow();
  }
}
