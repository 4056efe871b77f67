package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
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
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The synced and leased engines over TLS to a real redis-server that requires a client
 * certificate, configured from YAML as users do: with the certificate they exchange with Redis;
 * without it every exchange fails and is counted, and checks are still decided locally.
 */
class SyncedTlsTest {
  @TempDir static Path dir;
  static RedisProcess redis;

  @BeforeAll
  static void start() {
    TestCa ca = TestCa.create("sluice-synced-tls");
    Path caFile = ca.writeCertificate(dir.resolve("ca.crt"));
    Issued server = ca.server();
    Issued client = ca.client("sluice");
    client.writeChain(dir.resolve("client.crt"));
    client.writeKeyPkcs8(dir.resolve("client.key"));
    redis = RedisServers.standaloneTls(server.writeChain(dir.resolve("redis.crt")),
        server.writeKeyTraditional(dir.resolve("redis.key")), caFile, true);
  }

  @AfterAll
  static void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  private static ProvidedEngine engine(String yaml) throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), "");
    List<String> problems = new ArrayList<>();
    ConfigNode top = ConfigNode.root(new ObjectMapper(new YAMLFactory()).readTree(yaml),
        problems, name -> null);
    PipelineConfig c = PipelineConfig.read(top, dir);
    assertThat(problems).isEmpty();
    return c.engine().create();
  }

  private static String yaml(String type, String prefix, String tls) {
    return """
        engine:
          type: %s
          uri: rediss://localhost:%d
          sync-interval: 20ms
          key-prefix: "%s:"
          tls: %s
        """.formatted(type, redis.tlsPort(), prefix, tls);
  }

  private static long keysOn(String prefix) {
    return ((List<?>) redis.call("KEYS", prefix + ":*")).size();
  }

  private static void await(String what, BooleanSupplier ok) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!ok.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static EngineHealth.Sync sync(ProvidedEngine e) {
    return e.health().get().syncs().get(0);
  }

  private static RateLimiter limiter(ProvidedEngine e) {
    return e.engine().limiter(Rule.of("tls", Limit.fixedWindow(1000, Duration.ofMinutes(1))));
  }

  @Test
  void synced_withAClientCertificate_exchangesWithRedisOverTls() throws Exception {
    try (ProvidedEngine e = engine(yaml("synced", "synced-mtls",
        "{ca: ca.crt, cert: client.crt, key: client.key}"))) {
      assertThat(limiter(e).tryAcquire("k")).isTrue();
      await("the counts reach Redis", () -> keysOn("synced-mtls") > 0);
      await("an exchange completed", () -> sync(e).current());
    }
  }

  @Test
  void synced_withoutAClientCertificate_countsFailedExchanges_andStillDecides()
      throws Exception {
    try (ProvidedEngine e = engine(yaml("synced", "synced-anonymous", "{ca: ca.crt}"))) {
      assertThat(limiter(e).tryAcquire("k")).isTrue();
      await("failed exchanges are counted", () -> sync(e).consecutiveFailures() > 0);
      assertThat(keysOn("synced-anonymous")).isZero();
    }
  }

  @Test
  void leased_withAClientCertificate_takesLeasesOverTls() throws Exception {
    try (ProvidedEngine e = engine(yaml("leased", "leased-mtls",
        "{ca: ca.crt, cert: client.crt, key: client.key}"))) {
      RateLimiter l = limiter(e);
      // the first check asks for a lease; checks are admitted once one is granted
      await("a lease is granted", () -> l.tryAcquire("k"));
      await("the lease is recorded in Redis", () -> keysOn("leased-mtls") > 0);
      await("an exchange completed", () -> sync(e).current());
    }
  }
}
