package dev.sluice.regions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.rules.config.PipelineConfig;
import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.ProvidedEngine;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.TestCa;
import dev.sluice.testkit.TestCa.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine.type: regional} over TLS, configured from YAML: one region's Redis requires a
 * client certificate, given in its own {@code redis.NAME.tls}; the other region's Redis takes
 * {@code engine.tls}, shared by every region without a block of its own.
 */
class RegionalTlsTest {
  @TempDir Path dir;

  @Test
  void everyRegionsRedis_overTls_perRegionOrShared() throws Exception {
    TestCa ca = TestCa.create("sluice-regions-tls");
    Path caFile = ca.writeCertificate(dir.resolve("ca.crt"));
    Issued server = ca.server();
    Path cert = server.writeChain(dir.resolve("redis.crt"));
    Path key = server.writeKeyTraditional(dir.resolve("redis.key"));
    Issued client = ca.client("sluice-eu");
    client.writeChain(dir.resolve("eu.crt"));
    client.writeKeyPkcs8(dir.resolve("eu.key"));
    Files.writeString(dir.resolve("rules.yaml"), "");
    try (RedisProcess eu = RedisServers.standaloneTls(cert, key, caFile, true);
        RedisProcess us = RedisServers.standaloneTls(cert, key, caFile, false)) {
      List<String> problems = new ArrayList<>();
      ConfigNode top = ConfigNode.root(new ObjectMapper(new YAMLFactory()).readTree("""
          engine:
            type: regional
            region: eu
            regions: [eu, us]
            tls: {ca: ca.crt}
            redis:
              eu: {uri: "rediss://localhost:%d", tls: {ca: ca.crt, cert: eu.crt, key: eu.key}}
              us: {uri: "rediss://localhost:%d"}
            exchange-interval: 50ms
            key-prefix: "tls:"
          """.formatted(eu.tlsPort(), us.tlsPort())), problems, name -> null);
      PipelineConfig c = PipelineConfig.read(top, dir);
      assertThat(problems).isEmpty();
      try (ProvidedEngine e = c.engine().create()) {
        Rule rule = Rule.of("tls", Limit.fixedWindow(100, Duration.ofMinutes(1)));
        long minute = 60_000_000L;
        long at = System.currentTimeMillis() * 1000 / minute * minute + minute / 2;
        assertThat(e.engine().limiter(rule).tryAcquire("k", 1, at)).isTrue();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(e.health().get().syncs()).hasSize(2)
                .allSatisfy(s -> assertThat(s.consecutiveFailures()).isZero())
                .allSatisfy(s -> assertThat(s.lastSuccessAgeMillis()).isNotNegative()));
        assertThat(((List<?>) eu.call("KEYS", "tls:*"))).isNotEmpty();
        assertThat(e.health().get().syncs()).extracting(EngineHealth.Sync::peer)
            .containsExactly("region:eu", "region:us");
      }
    }
  }
}
