package dev.sluice.frontend.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.EngineObserver;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The exposition the shipped rules and dashboard depend on: the 1 ms bucket of the check latency,
 * every per-shard series present at 0 before anything fails, and the shard observer's effects.
 */
class ServerMetricsTest {
  private static double sample(String scrape, String prefix) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no sample " + prefix + " in\n" + scrape);
  }

  @Test
  void checkLatency_hasABucketAtExactlyOneMillisecond() {
    ServerMetrics m = new ServerMetrics();
    m.checkLatency("single").record(900, TimeUnit.MICROSECONDS);
    m.checkLatency("single").record(1_100, TimeUnit.MICROSECONDS);
    String s = m.scrape();
    assertThat(sample(s, "sluice_check_duration_seconds_bucket{endpoint=\"single\",le=\"0.001\"}"))
        .isEqualTo(1.0);
    assertThat(sample(s, "sluice_check_duration_seconds_count{endpoint=\"single\"}"))
        .isEqualTo(2.0);
  }

  @Test
  void engineCertificates_areExportedAsExpiryGauges_thatFollowARenewal() {
    long day = 86_400_000L;
    java.util.concurrent.atomic.AtomicLong notAfter =
        new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis() + 3 * day);
    ServerMetrics m = new ServerMetrics();
    m.circuitState("redis", () -> new EngineHealth(List.of()).withCertificates(List.of(
        new EngineHealth.Certificate("engine.tls.cert", notAfter.get()))));
    String key = "sluice_tls_certificate_expiry_seconds{key=\"engine.tls.cert\"}";
    assertThat(sample(m.scrape(), key)).isBetween(3 * 86_400.0 - 60, 3 * 86_400.0);
    notAfter.addAndGet(30 * day); // renewed: the gauge reads the health in force
    assertThat(sample(m.scrape(), key)).isBetween(33 * 86_400.0 - 60, 33 * 86_400.0);
  }

  @Test
  void shard_registersEverySeriesAtZero_thenCountsByOutcomeTypeAndState() {
    ServerMetrics m = new ServerMetrics();
    m.circuitState("redis-sharded", () -> new EngineHealth(List.of()));
    EngineObserver.Shard shard = m.shard("10.0.0.1:6379");
    assertThat(m.shard("10.0.0.1:6379")).as("one set of meters per shard").isSameAs(shard);
    String before = m.scrape();
    assertThat(sample(before, "sluice_backend_errors_total{engine=\"redis-sharded\"}")).isZero();
    for (EngineObserver.Failure f : EngineObserver.Failure.values()) {
      assertThat(sample(before, "sluice_redis_errors_total{shard=\"10.0.0.1:6379\",type=\""
          + f.label() + "\"}")).isZero();
    }
    assertThat(sample(before, "sluice_redis_breaker_state{shard=\"10.0.0.1:6379\"}")).isZero();

    shard.completed(400_000, null);
    shard.completed(150_000_000, EngineObserver.Failure.TIMEOUT);
    shard.completed(2_000_000, EngineObserver.Failure.SCRIPT);
    shard.circuitChanged(EngineHealth.Circuit.OPEN);
    String s = m.scrape();
    String ok = "sluice_redis_command_duration_seconds";
    assertThat(sample(s, ok + "_count{outcome=\"success\",shard=\"10.0.0.1:6379\"}")).isEqualTo(1);
    assertThat(sample(s, ok + "_count{outcome=\"error\",shard=\"10.0.0.1:6379\"}")).isEqualTo(2);
    assertThat(sample(s, ok + "_bucket{outcome=\"success\",shard=\"10.0.0.1:6379\",le=\"5.0E-4\"}"))
        .isEqualTo(1);
    assertThat(sample(s, ok + "_bucket{outcome=\"error\",shard=\"10.0.0.1:6379\",le=\"0.001\"}"))
        .isZero();
    assertThat(sample(s, "sluice_redis_errors_total{shard=\"10.0.0.1:6379\",type=\"timeout\"}"))
        .isEqualTo(1);
    assertThat(sample(s, "sluice_redis_errors_total{shard=\"10.0.0.1:6379\",type=\"script\"}"))
        .isEqualTo(1);
    assertThat(sample(s, "sluice_redis_breaker_state{shard=\"10.0.0.1:6379\"}")).isEqualTo(2);
    assertThat(sample(s,
        "sluice_redis_breaker_transitions_total{shard=\"10.0.0.1:6379\",state=\"open\"}"))
        .isEqualTo(1);
  }
}
