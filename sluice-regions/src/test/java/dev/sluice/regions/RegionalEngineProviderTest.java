package dev.sluice.regions;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.spi.EngineProvider;
import dev.sluice.spi.EngineSpec;
import dev.sluice.spi.ProvidedEngine;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * {@code engine.type: regional} is found by ServiceLoader, reads its keys from real YAML with the
 * service's reader, names every bad key, and reports one Sync per region.
 */
class RegionalEngineProviderTest {

  private static ConfigNode engine(String yaml, List<String> problems) throws Exception {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    return ConfigNode.root(root, problems, name -> null).section("engine");
  }

  @Test
  void serviceLoader_findsTheProvider_whichBuildsAWorkingEngineWithOneSyncPerRegion()
      throws Exception {
    RedisProcess redis = RedisServers.shared();
    EngineProvider p = ServiceLoader.load(EngineProvider.class).stream()
        .map(ServiceLoader.Provider::get).filter(x -> x.type().equals("regional")).findFirst()
        .orElseThrow();
    List<String> problems = new ArrayList<>();
    ConfigNode e = engine("""
        engine:
          type: regional
          region: eu
          regions: [eu, us]
          redis:
            eu: {uri: "%s", weight: 3}
            us: {topology: standalone, uri: "redis://127.0.0.1:1"}
          allocation: demand
          floor: 0.5
          exchange-interval: 50ms
          key-prefix: "provider:"
        """.formatted(redis.uri()), problems);
    e.string("type", null);
    EngineSpec spec = p.read(e);
    e.finish();
    assertThat(problems).isEmpty();
    assertThat(spec.name()).isEqualTo("regional-eu");
    try (ProvidedEngine pe = spec.create()) {
      Rule rule = Rule.of("prov", Limit.fixedWindow(100, java.time.Duration.ofMinutes(1)));
      // One instant in the middle of the current minute: a loop crossing the window's (and the
      // epoch's) end would start a fresh allocation and admit more than the weight's share.
      long minute = 60_000_000L;
      long at = System.currentTimeMillis() * 1000 / minute * minute + minute / 2;
      int admitted = 0;
      for (int i = 0; i < 100; i++) {
        if (pe.engine().limiter(rule).tryAcquire("k", 1, at)) {
          admitted++;
        }
      }
      assertThat(admitted).isEqualTo(75); // weights 3:1
      assertThat(pe.health().get().syncs()).extracting(s -> s.peer())
          .containsExactly("region:eu", "region:us");
      assertThat(pe.health().get().syncs()).allSatisfy(s -> assertThat(s.intervalMillis())
          .isEqualTo(50));
    }
  }

  @Test
  void read_namesEveryBadKey() throws Exception {
    List<String> problems = new ArrayList<>();
    ConfigNode e = engine("""
        engine:
          region: mars
          regions: [eu, us, Bad]
          redis:
            eu: {uri: "redis://127.0.0.1:1", weight: 0, colour: red}
            asia: {uri: "redis://127.0.0.1:2"}
          allocation: magic
          floor: 2
          hysteresis: abc
        """, problems);
    new RegionalEngineProvider().read(e);
    assertThat(problems).anySatisfy(s -> assertThat(s).startsWith("engine.region: 'mars' is not "
        + "among regions"));
    assertThat(problems).anySatisfy(s -> assertThat(s).startsWith("engine.regions: region name "
        + "'Bad'"));
    assertThat(problems).anySatisfy(s -> assertThat(s).startsWith("engine.redis.us: is required"));
    assertThat(problems).anySatisfy(s -> assertThat(s).startsWith("engine.redis.eu.weight"));
    assertThat(problems).contains("engine.redis.eu.colour: unknown key",
        "engine.redis.asia: unknown key");
    assertThat(problems).anySatisfy(s -> assertThat(s).startsWith("engine.allocation"));
    assertThat(problems).anySatisfy(s -> assertThat(s).startsWith("engine.floor: '2'"));
    assertThat(problems).anySatisfy(s -> assertThat(s).startsWith("engine.hysteresis: 'abc'"));
  }
}
