package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.redis.Servers.Kind;
import dev.sluice.redis.Servers.OnRedis;
import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.EngineObserver;
import dev.sluice.testkit.Poll;
import dev.sluice.testkit.RedisCluster;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * The per-shard hook on real Redis servers: every script call reaches the shard's observer with
 * its latency and, on failure, its type (a Lua error, a paused server, a killed server), and
 * every breaker transition is reported in order.
 */
@OnRedis(value = Kind.RING, servers = 2)
class EngineObserverTest {
  private static final Rule RULE = Rule.of("obs", Limit.fixedWindow(1_000, Duration.ofHours(1)));

  /** What an observer heard from one shard. */
  static final class Heard implements EngineObserver.Shard {
    final LongAdder successes = new LongAdder();
    final Map<EngineObserver.Failure, LongAdder> failures = new ConcurrentHashMap<>();
    final AtomicLong maxNanos = new AtomicLong(-1);
    final AtomicLong minNanos = new AtomicLong(Long.MAX_VALUE);
    final List<EngineHealth.Circuit> circuits = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void completed(long nanos, EngineObserver.Failure failure) {
      maxNanos.accumulateAndGet(nanos, Math::max);
      minNanos.accumulateAndGet(nanos, Math::min);
      if (failure == null) {
        successes.increment();
      } else {
        failures.computeIfAbsent(failure, f -> new LongAdder()).increment();
      }
    }

    @Override
    public void circuitChanged(EngineHealth.Circuit circuit) {
      circuits.add(circuit);
    }

    long failed(EngineObserver.Failure f) {
      LongAdder a = failures.get(f);
      return a == null ? 0 : a.sum();
    }
  }

  /** Records per shard name; asked once per shard. */
  static final class Recorder implements EngineObserver {
    final Map<String, Heard> shards = new ConcurrentHashMap<>();
    final LongAdder asked = new LongAdder();

    @Override
    public Shard shard(String shard) {
      asked.increment();
      return shards.computeIfAbsent(shard, s -> new Heard());
    }
  }

  private static RedisEngine.Builder engine(Topology t, Recorder r) {
    return RedisEngine.builder(t).keyPrefix("ob" + UUID.randomUUID()).observer(r)
        .denialCache(false)
        .commandTimeout(Duration.ofMillis(150)).connectTimeout(Duration.ofMillis(300))
        .maxReconnectDelay(Duration.ofMillis(100))
        .breaker(new BreakerSettings(2, Duration.ofMillis(150), Duration.ofMillis(300)))
        .defaultPolicy(FailurePolicy.failOpen());
  }

  @Test
  void ring_reportsEveryCallToTheShardItWentTo_labelledHostPort() {
    List<Topology.Shard> shards = new ArrayList<>();
    for (int i = 0; i < servers().size(); i++) {
      shards.add(Topology.Shard.of("shard-" + i, servers().get(i).uri()));
    }
    Recorder r = new Recorder();
    try (RedisEngine e = engine(Topology.sharded(shards), r).build()) {
      RedisRateLimiter limiter = e.limiter(RULE);
      for (int i = 0; i < 200; i++) {
        assertThat(limiter.check("client-" + i).allowed()).isTrue();
      }
      assertThat(r.shards.keySet()).containsExactlyInAnyOrder(
          servers().get(0).hostPort(), servers().get(1).hostPort());
      assertThat(r.asked.sum()).as("shard() asked once per shard, not per check").isEqualTo(2);
      long total = 0;
      for (Heard h : r.shards.values()) {
        assertThat(h.successes.sum()).as("both shards got keys").isPositive();
        assertThat(h.failures).isEmpty();
        assertThat(h.circuits).isEmpty();
        assertThat(h.minNanos.get()).isPositive();
        total += h.successes.sum();
      }
      assertThat(total).isEqualTo(200);
    }
  }

  @Test
  void cluster_labelsEachMasterByItsAddress() {
    RedisCluster cluster = Servers.sharedCluster();
    Recorder r = new Recorder();
    try (RedisEngine e = engine(Topology.cluster(cluster.seedUris()), r)
        .commandTimeout(Duration.ofSeconds(2)).build()) {
      RedisRateLimiter limiter = e.limiter(RULE);
      for (int i = 0; i < 300; i++) {
        assertThat(limiter.check("client-" + i).degraded()).isFalse();
      }
    }
    List<String> masters = cluster.masters().stream().map(RedisProcess::hostPort).toList();
    // Checks sent before the slot map is first loaded go through the placeholder "cluster".
    assertThat(r.shards.keySet()).containsAll(masters);
    assertThat(r.shards.keySet()).isSubsetOf(
        java.util.stream.Stream.concat(masters.stream(), java.util.stream.Stream.of("cluster"))
            .toList());
    long calls = 0;
    for (String m : masters) {
      assertThat(r.shards.get(m).successes.sum()).as(m).isPositive();
    }
    for (Heard h : r.shards.values()) {
      calls += h.successes.sum();
      assertThat(h.failures).isEmpty();
    }
    assertThat(calls).isEqualTo(300);
  }

  @Test
  void luaError_isAScriptFailure() {
    RedisProcess redis = servers().get(0);
    Recorder r = new Recorder();
    try (RedisEngine e = engine(Topology.standalone(redis.uri()), r).build()) {
      String key = e.keyOf("wrong-type", RULE);
      redis.call("HSET", key, "f", "v");
      Decision d = e.limiter(RULE).check("wrong-type");
      assertThat(d.degraded()).as("a script error is decided by the policy").isTrue();
      Heard h = r.shards.get(redis.hostPort());
      assertThat(h.failed(EngineObserver.Failure.SCRIPT)).isEqualTo(1);
      assertThat(h.successes.sum()).isZero();
    }
  }

  @Test
  void pausedServer_timesOut_opensTheBreaker_andRecoveryClosesIt() {
    RedisProcess redis = RedisServers.standalone();
    Recorder r = new Recorder();
    try (RedisEngine e = engine(Topology.standalone(redis.uri()), r).build()) {
      RedisRateLimiter limiter = e.limiter(RULE);
      assertThat(limiter.check("a").degraded()).isFalse();
      Heard h = r.shards.get(redis.hostPort());
      redis.pause();
      try {
        for (int i = 0; i < 2; i++) {
          assertThat(limiter.check("a").degraded()).isTrue();
        }
      } finally {
        redis.resume();
      }
      assertThat(h.failed(EngineObserver.Failure.TIMEOUT)).isEqualTo(2);
      assertThat(h.maxNanos.get()).as("a timeout lasts at least the command timeout")
          .isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
      assertThat(h.circuits).containsExactly(EngineHealth.Circuit.OPEN);
      Poll.until("the breaker closes again", Duration.ofSeconds(20), () -> {
        limiter.check("a");
        return h.circuits.contains(EngineHealth.Circuit.CLOSED);
      });
      assertThat(h.circuits).startsWith(EngineHealth.Circuit.OPEN, EngineHealth.Circuit.HALF_OPEN);
      assertThat(h.circuits.get(h.circuits.size() - 1)).isEqualTo(EngineHealth.Circuit.CLOSED);
    } finally {
      redis.close();
    }
  }

  @Test
  void killedServer_isAConnectionFailure() {
    RedisProcess redis = RedisServers.standalone();
    Recorder r = new Recorder();
    try (RedisEngine e = engine(Topology.standalone(redis.uri()), r).build()) {
      RedisRateLimiter limiter = e.limiter(RULE);
      assertThat(limiter.check("a").degraded()).isFalse();
      redis.kill();
      Heard h = r.shards.get(redis.hostPort());
      Poll.until("the breaker opens", Duration.ofSeconds(20), () -> {
        limiter.check("a");
        return h.circuits.contains(EngineHealth.Circuit.OPEN);
      });
      assertThat(h.failed(EngineObserver.Failure.CONNECTION)).isGreaterThanOrEqualTo(2);
      assertThat(h.failed(EngineObserver.Failure.SCRIPT)).isZero();
    } finally {
      redis.close();
    }
  }

  @Test
  void serverThatNeverAnswersTheHandshake_isAConnectionFailure() throws Exception {
    // A socket that accepts and stays silent: Lettuce gives up on the handshake after the
    // command timeout and reports that the connection could not be made.
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50,
        java.net.InetAddress.getLoopbackAddress())) {
      Recorder r = new Recorder();
      try (RedisEngine e = engine(Topology.standalone("redis://127.0.0.1:"
          + silent.getLocalPort()), r).connectTimeout(Duration.ofSeconds(10)).build()) {
        assertThat(e.limiter(RULE).check("a").degraded()).isTrue();
        Heard h = r.shards.get("127.0.0.1:" + silent.getLocalPort());
        assertThat(h.failures).as("%s", h.failures).containsOnlyKeys(
            EngineObserver.Failure.CONNECTION);
        assertThat(h.failed(EngineObserver.Failure.CONNECTION)).isEqualTo(1);
        assertThat(h.minNanos.get()).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
      }
    }
  }

  @Test
  void aCallThatNeverCompletes_isEndedByTheEndpointsTimeout_observedOrNot() {
    // A connection that never comes (its future never completes): only the endpoint's own
    // timeout (2 x 20 ms + 20 ms) ends the call, with and without an observer.
    for (boolean observed : new boolean[] {true, false}) {
      Heard h = new Heard();
      EngineObserver.Shard shard = observed ? h : EngineObserver.Shard.NONE;
      Endpoint e = new Endpoint("hung", new CircuitBreaker(BreakerSettings.DEFAULTS,
          System::nanoTime, shard), Duration.ofMillis(20),
          java.util.concurrent.CompletableFuture::new, shard, System::nanoTime);
      Throwable failure = e.eval("k", new String[0]).handle((r, err) -> err).join();
      assertThat(failure).as("observed=" + observed)
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
      if (observed) {
        assertThat(h.failed(EngineObserver.Failure.TIMEOUT)).isEqualTo(1);
        assertThat(h.minNanos.get()).isGreaterThanOrEqualTo(Duration.ofMillis(60).toNanos());
      }
    }
  }

  @Test
  void failureOf_unwrapsAndClassifies() {
    assertThat(Endpoint.failureOf(new java.util.concurrent.CompletionException(
        new java.util.concurrent.TimeoutException()))).isEqualTo(EngineObserver.Failure.TIMEOUT);
    assertThat(Endpoint.failureOf(new io.lettuce.core.RedisCommandExecutionException(
        "OOM command not allowed"))).isEqualTo(EngineObserver.Failure.SERVER);
    assertThat(Endpoint.failureOf(new io.lettuce.core.RedisException(
        "Currently not connected. Commands are rejected.")))
        .isEqualTo(EngineObserver.Failure.CONNECTION);
    assertThat(Endpoint.failureOf(new IllegalStateException("x")))
        .isEqualTo(EngineObserver.Failure.OTHER);
  }

  private List<RedisProcess> servers() {
    return Servers.standalones(getClass());
  }
}
