package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.testkit.Poll;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Real faults on a real server under load: kill -9, SIGSTOP/SIGCONT, and an engine built while
 * the server is down. No exception may reach a caller, decisions follow each rule's policy, an
 * open breaker answers without touching the network, and limits hold again after recovery.
 */
class FaultToleranceTest {
  private static final Rule OPEN = Rule.of("open", Limit.fixedWindow(1_000_000, Duration.ofHours(1)));
  private static final Rule CLOSED =
      Rule.of("closed", Limit.fixedWindow(1_000_000, Duration.ofHours(1)));
  private static final Rule LOCAL = Rule.of("local", Limit.fixedWindow(4, Duration.ofHours(1)));
  private static final Rule STRICT = Rule.of("strict", Limit.fixedWindow(5, Duration.ofHours(1)));

  private static RedisEngine engine(String uri, BreakerSettings breaker) {
    return RedisEngine.builder(Topology.standalone(uri))
        .keyPrefix("ft" + ThreadLocalRandom.current().nextInt(1_000_000))
        .commandTimeout(Duration.ofMillis(300))
        .connectTimeout(Duration.ofMillis(300))
        .maxReconnectDelay(Duration.ofMillis(200))
        .breaker(breaker)
        .policy("open", FailurePolicy.failOpen())
        .policy("closed", FailurePolicy.failClosed())
        .policy("local", FailurePolicy.local(0.5))
        .policy("strict", FailurePolicy.failClosed())
        .build();
  }

  /** Threads checking all rules in a loop, collecting anything thrown. */
  private static final class Load implements AutoCloseable {
    final AtomicBoolean stop = new AtomicBoolean();
    final ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
    final AtomicLong checks = new AtomicLong();
    final List<Thread> threads = new ArrayList<>();

    Load(RedisEngine engine, int threadCount) {
      for (int i = 0; i < threadCount; i++) {
        Thread t = new Thread(() -> {
          long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
          while (!stop.get() && System.nanoTime() < deadline) {
            try {
              String client = "load" + ThreadLocalRandom.current().nextInt(100);
              engine.limiter(OPEN).check(client);
              engine.limiter(CLOSED).checkAsync(client, 1).toCompletableFuture().join();
              engine.limiter(LOCAL).tryAcquire(client);
              checks.addAndGet(3);
            } catch (Throwable e) {
              thrown.add(e);
            }
            Thread.onSpinWait();
          }
        }, "load-" + i);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join(10_000);
      }
      assertThat(thrown).as("exceptions reaching callers").isEmpty();
      assertThat(checks.get()).isPositive();
    }
  }

  private static String breakerState(RedisEngine e) {
    return e.stats().breakers().values().iterator().next();
  }

  private static void assertPoliciesDecide(RedisEngine engine) {
    Decision open = engine.limiter(OPEN).check("outage");
    assertThat(open.allowed()).isTrue();
    assertThat(open.degraded()).isTrue();
    Decision closed = engine.limiter(CLOSED).check("outage");
    assertThat(closed.allowed()).isFalse();
    assertThat(closed.degraded()).isTrue();
    assertThat(closed.retryAfterMicros()).isPositive();
    // local: half of 4 per hour in this process, then denied
    String client = "local-" + System.nanoTime();
    assertThat(engine.limiter(LOCAL).check(client)).satisfies(d -> {
      assertThat(d.allowed()).isTrue();
      assertThat(d.degraded()).isTrue();
    });
    assertThat(engine.limiter(LOCAL).check(client).allowed()).isTrue();
    Decision third = engine.limiter(LOCAL).check(client);
    assertThat(third.allowed()).isFalse();
    assertThat(third.degraded()).isTrue();
    assertThat(third.limit()).isEqualTo(2);
  }

  /** While the breaker stays open, 300 checks make no network attempt and do not wait. */
  private static void assertOpenBreakerDoesNotTouchTheNetwork(RedisEngine engine) {
    RedisEngine.Stats before = engine.stats();
    long start = System.nanoTime();
    int n = 300;
    for (int i = 0; i < n; i++) {
      assertThat(engine.limiter(STRICT).check("open-path").degraded()).isTrue();
    }
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    RedisEngine.Stats after = engine.stats();
    // The load threads share the breaker: allow for the odd half-open probe among them.
    assertThat(after.scriptCalls() - before.scriptCalls()).isLessThanOrEqualTo(3);
    assertThat(after.shortCircuited() - before.shortCircuited()).isGreaterThanOrEqualTo(n - 3);
    // Generous: waiting for the 300 ms timeout would take 90 s.
    assertThat(elapsedMillis).isLessThan(15_000);
  }

  private static void assertLimitsEnforcedAgain(RedisEngine engine) {
    Poll.until("redis answers again", Duration.ofSeconds(60),
        () -> !engine.limiter(STRICT).check("probe-" + System.nanoTime()).degraded());
    String client = "after-" + System.nanoTime();
    for (int i = 0; i < 5; i++) {
      Decision d = engine.limiter(STRICT).check(client);
      assertThat(d.allowed()).as("request %d", i).isTrue();
      assertThat(d.degraded()).isFalse();
    }
    Decision sixth = engine.limiter(STRICT).check(client);
    assertThat(sixth.allowed()).isFalse();
    assertThat(sixth.degraded()).isFalse();
    assertThat(breakerState(engine)).isEqualTo("CLOSED");
  }

  @Test
  void kill9UnderLoad_policiesDecide_breakerShortCircuits_limitsReturnAfterRestart()
      throws Exception {
    try (RedisProcess redis = RedisServers.standalone();
        RedisEngine engine = engine(redis.uri(),
            new BreakerSettings(3, Duration.ofSeconds(3), Duration.ofSeconds(3)))) {
      try (Load load = new Load(engine, 4)) {
        Poll.until("load reaches redis", Duration.ofSeconds(30),
            () -> engine.stats().scriptCalls() > 200);
        redis.kill();
        Poll.until("breaker opens", Duration.ofSeconds(30),
            () -> breakerState(engine).equals("OPEN"));
        assertOpenBreakerDoesNotTouchTheNetwork(engine);
        assertPoliciesDecide(engine);
        redis.restart();
        assertLimitsEnforcedAgain(engine);
      }
      assertThat(engine.stats().breakerOpenings()).isPositive();
    }
  }

  @Test
  void sigstopUnderLoad_timeoutsOpenTheBreaker_sigcontRecovers() throws Exception {
    try (RedisProcess redis = RedisServers.standalone();
        RedisEngine engine = engine(redis.uri(),
            new BreakerSettings(3, Duration.ofSeconds(3), Duration.ofSeconds(3)))) {
      try (Load load = new Load(engine, 4)) {
        Poll.until("load reaches redis", Duration.ofSeconds(30),
            () -> engine.stats().scriptCalls() > 200);
        redis.pause();
        try {
          Poll.until("breaker opens on timeouts", Duration.ofSeconds(30),
              () -> breakerState(engine).equals("OPEN"));
          assertOpenBreakerDoesNotTouchTheNetwork(engine);
          assertPoliciesDecide(engine);
        } finally {
          redis.resume();
        }
        assertLimitsEnforcedAgain(engine);
      }
    }
  }

  @Test
  void engineBuiltWhileRedisIsDown_degradesThenRecoversWithoutRestart() {
    int port = RedisServers.freePort();
    try (RedisEngine engine = engine("redis://127.0.0.1:" + port,
        new BreakerSettings(1, Duration.ofMillis(50), Duration.ofMillis(200)))) {
      Decision d = engine.limiter(STRICT).check("early");
      assertThat(d.degraded()).isTrue();
      assertThat(d.allowed()).isFalse();
      try (RedisProcess redis = RedisServers.standaloneOn(port)) {
        assertLimitsEnforcedAgain(engine);
      }
    }
  }
}
