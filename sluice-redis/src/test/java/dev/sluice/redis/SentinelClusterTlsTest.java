package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.spi.ProvidedEngine;
import dev.sluice.testkit.RedisCluster;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisSentinelGroup;
import dev.sluice.testkit.TestCa;
import dev.sluice.testkit.TestCa.Issued;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine.type: redis} over TLS to a Sentinel group (the sentinels and the master they
 * name) and to a Cluster (the seed and every node found in its slot map), configured from YAML,
 * against real servers that speak TLS among themselves too.
 */
class SentinelClusterTlsTest {
  @TempDir Path dir;

  private Path[] files() {
    TestCa ca = TestCa.create("sluice-topologies-tls");
    Issued server = ca.server();
    Issued node = ca.client("node");
    return new Path[] {server.writeChain(dir.resolve("redis.crt")),
        server.writeKeyTraditional(dir.resolve("redis.key")),
        ca.writeCertificate(dir.resolve("ca.crt")),
        node.writeChain(dir.resolve("node.crt")), node.writeKeyPkcs8(dir.resolve("node.key"))};
  }

  private ProvidedEngine engine(String yaml) throws Exception {
    List<String> problems = new ArrayList<>();
    ProvidedEngine e = RedisTlsTest.engine(dir, yaml, problems);
    assertThat(problems).isEmpty();
    return e;
  }

  private static long keysOn(RedisProcess p, String prefix) {
    return ((List<?>) p.call("KEYS", prefix + "*")).size();
  }

  @Test
  void sentinel_overTls_reachesTheSentinelsAndTheMasterTheyName() throws Exception {
    Path[] f = files();
    try (RedisSentinelGroup group = RedisSentinelGroup.startTls(f[0], f[1], f[2])) {
      try (ProvidedEngine e = engine("""
          engine:
            type: redis
            topology: sentinel
            sentinel-master: %s
            nodes: %s
            failure-policy: fail-closed
            key-prefix: sentinel
            tls: {ca: ca.crt}
          """.formatted(RedisSentinelGroup.MASTER_ID, group.sentinelTlsAddresses()))) {
        RateLimiter l = e.engine().limiter(Rule.of("s", Limit.fixedWindow(3,
            Duration.ofMinutes(1))));
        int admitted = 0;
        for (int i = 0; i < 5; i++) {
          admitted += l.tryAcquire("a") ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(3);
        assertThat(keysOn(group.master(), "sentinel")).isPositive();
      }
    }
  }

  @Test
  void cluster_overTls_reachesEveryNodeOfTheSlotMap_fromOneSeed() throws Exception {
    Path[] f = files();
    try (RedisCluster cluster = RedisCluster.startTls(3, f[0], f[1], f[2], f[3], f[4])) {
      try (ProvidedEngine e = engine("""
          engine:
            type: redis
            topology: cluster
            nodes: ["%s"]
            failure-policy: fail-closed
            key-prefix: cluster
            tls: {ca: ca.crt}
          """.formatted(cluster.tlsSeedUris().get(0)))) {
        RateLimiter l = e.engine().limiter(Rule.of("c", Limit.fixedWindow(3,
            Duration.ofMinutes(1))));
        for (int k = 0; k < 30; k++) {
          int admitted = 0;
          for (int i = 0; i < 5; i++) {
            admitted += l.tryAcquire("k" + k) ? 1 : 0;
          }
          assertThat(admitted).as("key k%d", k).isEqualTo(3);
        }
        for (RedisProcess master : cluster.masters()) {
          assertThat(keysOn(master, "cluster")).as("keys on %s", master.hostPort())
              .isPositive();
        }
      }
    }
  }
}
