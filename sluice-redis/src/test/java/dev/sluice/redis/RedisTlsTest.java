package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.rules.config.PipelineConfig;
import dev.sluice.spi.ProvidedEngine;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.TestCa;
import dev.sluice.testkit.TestCa.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine.type: redis} over TLS, configured as users do (YAML read by the service's reader,
 * files relative to the configuration's folder), against real redis-servers started with
 * {@code --tls-port}: a server that asks for no client certificate, one that requires one, one
 * whose certificate another CA signed, and one whose certificate names another host.
 */
class RedisTlsTest {
  @TempDir static Path dir;
  static RedisProcess open;
  static RedisProcess mutual;
  static RedisProcess untrusted;
  static RedisProcess wrongName;

  @BeforeAll
  static void start() {
    TestCa ca = TestCa.create("sluice-redis-tls");
    Path caFile = ca.writeCertificate(dir.resolve("ca.crt"));
    Issued server = ca.server();
    Path cert = server.writeChain(dir.resolve("redis.crt"));
    Path key = server.writeKeyTraditional(dir.resolve("redis.key"));
    Issued client = ca.client("sluice");
    client.writeChain(dir.resolve("client.crt"));
    client.writeKeyPkcs8(dir.resolve("client.key"));
    open = RedisServers.standaloneTls(cert, key, caFile, false);
    mutual = RedisServers.standaloneTls(cert, key, caFile, true);
    TestCa other = TestCa.create("someone-else");
    Issued foreign = other.server();
    untrusted = RedisServers.standaloneTls(foreign.writeChain(dir.resolve("foreign.crt")),
        foreign.writeKeyTraditional(dir.resolve("foreign.key")),
        other.writeCertificate(dir.resolve("other-ca.crt")), false);
    Issued elsewhere = ca.server(TestCa.KeyType.EC, "redis.example.com");
    wrongName = RedisServers.standaloneTls(elsewhere.writeChain(dir.resolve("elsewhere.crt")),
        elsewhere.writeKeyTraditional(dir.resolve("elsewhere.key")), caFile, false);
  }

  @AfterAll
  static void stop() {
    for (RedisProcess p : new RedisProcess[] {open, mutual, untrusted, wrongName}) {
      if (p != null) {
        p.close();
      }
    }
  }

  /** The engine of {@code yaml} read as the service reads its configuration file in dir. */
  static ProvidedEngine engine(Path dir, String yaml, List<String> problems) throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), "");
    ConfigNode top = ConfigNode.root(new ObjectMapper(new YAMLFactory()).readTree(yaml),
        problems, name -> null);
    PipelineConfig c = PipelineConfig.read(top, dir);
    return problems.isEmpty() ? c.engine().create() : null;
  }

  private static ProvidedEngine engine(String yaml) throws Exception {
    List<String> problems = new ArrayList<>();
    ProvidedEngine e = engine(dir, yaml, problems);
    assertThat(problems).isEmpty();
    return e;
  }

  /** How many of 5 checks of a limit of 3 per minute are admitted. */
  private static int admittedOfFive(ProvidedEngine e, String key) {
    RateLimiter l = e.engine().limiter(Rule.of("tls", Limit.fixedWindow(3, Duration.ofMinutes(1))));
    int admitted = 0;
    for (int i = 0; i < 5; i++) {
      if (l.tryAcquire(key)) {
        admitted++;
      }
    }
    return admitted;
  }

  private static long keysOn(RedisProcess p, String prefix) {
    return ((List<?>) p.call("KEYS", prefix + "*")).size();
  }

  @Test
  void rediss_withTheCaOfEngineTls_decidesOnTheServer() throws Exception {
    try (ProvidedEngine e = engine("""
        engine:
          type: redis
          uri: rediss://localhost:%d
          failure-policy: fail-closed
          key-prefix: standalone
          tls:
            ca: ca.crt
        """.formatted(open.tlsPort()))) {
      assertThat(admittedOfFive(e, "a")).isEqualTo(3);
      assertThat(keysOn(open, "standalone")).isPositive();
    }
  }

  @Test
  void shardedRing_overTls_withAClientCertificate_reachesAServerThatRequiresOne()
      throws Exception {
    // redis:// URIs are upgraded by the tls block; 127.0.0.1 is verified against the IP SAN.
    try (ProvidedEngine e = engine("""
        engine:
          type: redis
          topology: sharded
          nodes: ["redis://127.0.0.1:%d", "rediss://127.0.0.1:%d"]
          failure-policy: fail-closed
          key-prefix: ring
          tls: {ca: ca.crt, cert: client.crt, key: client.key, protocols: [TLSv1.3]}
        """.formatted(open.tlsPort(), mutual.tlsPort()))) {
      for (int i = 0; i < 20; i++) {
        assertThat(admittedOfFive(e, "k" + i)).isEqualTo(3);
      }
      assertThat(keysOn(open, "ring")).isPositive();
      assertThat(keysOn(mutual, "ring")).isPositive();
      // The health carries the link's certificates, for the expiry gauge beside the listeners'.
      long now = System.currentTimeMillis();
      assertThat(e.health().get().certificates())
          .extracting(dev.sluice.spi.EngineHealth.Certificate::key)
          .containsExactlyInAnyOrder("engine.tls.ca", "engine.tls.cert");
      assertThat(e.health().get().certificates())
          .allSatisfy(c -> assertThat(c.notAfterEpochMillis()).isGreaterThan(now));
    }
  }

  @Test
  void withoutAClientCertificate_aServerThatRequiresOne_isAnOutage_forTheFailurePolicy()
      throws Exception {
    try (ProvidedEngine e = engine("""
        engine:
          type: redis
          uri: rediss://localhost:%d
          failure-policy: fail-closed
          key-prefix: anonymous
          tls: {ca: ca.crt}
        """.formatted(mutual.tlsPort()))) {
      long start = System.nanoTime();
      assertThat(admittedOfFive(e, "a")).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThat(keysOn(mutual, "anonymous")).isZero();
    }
  }

  @Test
  void aServerCertificateOfAnotherCa_isRefused() throws Exception {
    try (ProvidedEngine e = engine("""
        engine:
          type: redis
          uri: rediss://localhost:%d
          failure-policy: fail-closed
          key-prefix: foreign
          tls: {ca: ca.crt}
        """.formatted(untrusted.tlsPort()))) {
      assertThat(admittedOfFive(e, "a")).isZero();
      assertThat(keysOn(untrusted, "foreign")).isZero();
    }
  }

  @Test
  void aServerCertificateForAnotherHost_isRefused_unlessVerificationIsSkipped()
      throws Exception {
    String yaml = """
        engine:
          type: redis
          uri: rediss://localhost:%d
          failure-policy: fail-closed
          key-prefix: %s
          tls: {ca: ca.crt, insecure-skip-verify: %s}
        """;
    try (ProvidedEngine e = engine(yaml.formatted(wrongName.tlsPort(), "verified", false))) {
      assertThat(admittedOfFive(e, "a")).isZero();
    }
    try (ProvidedEngine e = engine(yaml.formatted(wrongName.tlsPort(), "skipped", true))) {
      assertThat(admittedOfFive(e, "a")).isEqualTo(3);
    }
    assertThat(keysOn(wrongName, "verified")).isZero();
  }

  @Test
  void aRotatedCa_isUsedForTheNextConnection_withoutARestart() throws Exception {
    // The engine starts trusting the wrong CA, so every connection is refused; once the right CA
    // is renamed over the file, the next connection (the breaker's probe) verifies the server.
    Path rotating = dir.resolve("rotating-ca.crt");
    Files.copy(dir.resolve("other-ca.crt"), rotating, StandardCopyOption.REPLACE_EXISTING);
    try (ProvidedEngine e = engine("""
        engine:
          type: redis
          uri: rediss://localhost:%d
          failure-policy: fail-closed
          key-prefix: rotated
          tls: {ca: rotating-ca.crt, reload-interval: 100ms}
        """.formatted(open.tlsPort()))) {
      assertThat(admittedOfFive(e, "a")).isZero();
      Path staged = dir.resolve("staged-ca.crt");
      Files.copy(dir.resolve("ca.crt"), staged, StandardCopyOption.REPLACE_EXISTING);
      Files.move(staged, rotating, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (admittedOfFive(e, "b") == 0) {
        assertThat(System.nanoTime()).as("the rotated CA is used").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(keysOn(open, "rotated")).isPositive();
    }
  }

  @Test
  void aBadTlsBlock_isRefusedAtStart_namingTheKeyTheFileAndTheReason() throws Exception {
    assertThat(problemsOf("{ca: missing-ca.crt}")).anySatisfy(p -> assertThat(p)
        .startsWith("engine.tls.ca: ").contains(dir.resolve("missing-ca.crt").toString())
        .contains("no such file"));
    assertThat(problemsOf("{ca: ca.crt, protocols: [TLSv1.3, TLSv9]}")).anySatisfy(p ->
        assertThat(p).startsWith("engine.tls.protocols: ").contains("'TLSv9' is unknown"));
    assertThat(problemsOf("{ca: ca.crt, protocols: [TLSv1.1]}")).anySatisfy(p ->
        assertThat(p).startsWith("engine.tls.protocols: ").contains("'TLSv1.1' is refused"));
    assertThat(problemsOf("{ca: ca.crt, cert: client.crt, key: redis.key}")).anySatisfy(p ->
        assertThat(p).startsWith("engine.tls.key: ").contains(dir.resolve("redis.key")
            .toString()).contains("does not match"));
  }

  private static List<String> problemsOf(String tls) throws Exception {
    List<String> problems = new ArrayList<>();
    assertThat(engine(dir, """
        engine:
          type: redis
          uri: rediss://localhost:6379
          tls: %s
        """.formatted(tls), problems)).isNull();
    return problems;
  }
}
