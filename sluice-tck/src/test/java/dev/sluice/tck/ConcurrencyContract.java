package dev.sluice.tck;

import static dev.sluice.tck.ConformanceFixture.nPerT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Threads racing on one key: decisions are atomic, so the admitted total is exactly what the
 * limit allows, never more (a lost update would over-admit) and never less.
 */
public interface ConcurrencyContract extends ConformanceFixture {

  /** Threads racing in each test. */
  int THREADS = 8;

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  default void tryAcquire_racingThreadsWithTimeFrozenAdmitExactlyTheLimit(Algorithm algorithm)
      throws Exception {
    long permits = 2_000;
    RateLimiter rl = limiter(nPerT(algorithm, permits, Duration.ofSeconds(1)));
    // The engine's clock stands still at CLOCK_START, aligned to the second.
    long admitted = race(thread -> {
      long mine = 0;
      for (int i = 0; i < 2 * permits / THREADS + 50; i++) {
        if (rl.tryAcquire("hot")) {
          mine++;
        }
      }
      return mine;
    });
    assertThat(admitted).isEqualTo(permits);
    Decision after = rl.check("hot", 1, CLOCK_START);
    assertThat(after.allowed()).isFalse();
    assertThat(after.remaining()).isZero();
  }

  @Requires(algorithms = {Algorithm.SLIDING_WINDOW_LOG, Algorithm.FIXED_WINDOW,
      Algorithm.TOKEN_BUCKET, Algorithm.GCRA, Algorithm.SLIDING_WINDOW_COUNTER})
  @Test
  default void check_racingThreadsWithMixedCostsOnSeveralLimitsNeverOverAdmit() throws Exception {
    Duration second = Duration.ofSeconds(1);
    // Window algorithms count permits, the buckets their burst; with time frozen every limit's
    // remaining is its capacity minus the costs admitted, and the counter's 500 is the smallest.
    RateLimiter rl = limiter(Limit.slidingWindowLog(700, second),
        Limit.fixedWindow(650, second), Limit.tokenBucket(1_000, second).withBurst(600),
        Limit.gcra(10_000, second).withBurst(550), Limit.slidingWindowCounter(500, second));
    long t = CLOCK_START;
    long admittedCost = race(thread -> {
      SplittableRandom random = new SplittableRandom(thread);
      long mine = 0;
      for (int i = 0; i < 100; i++) {
        long cost = random.nextLong(1, 6);
        Decision d = rl.check("hot", cost, t);
        if (d.allowed()) {
          mine += cost;
        }
      }
      return mine;
    });
    long smallest = 500;
    assertThat(admittedCost).isLessThanOrEqualTo(smallest);
    // Nothing was lost either: the state accounts for exactly the admitted costs.
    Decision probe = rl.check("hot", 1, t);
    if (admittedCost < smallest) {
      assertThat(probe.allowed()).isTrue();
      assertThat(probe.remaining()).isEqualTo(smallest - admittedCost - 1);
      assertThat(probe.limitIndex()).isEqualTo(4);
    } else {
      assertThat(probe.allowed()).isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = {"TOKEN_BUCKET", "GCRA"})
  default void tryAcquire_racingThreadsOnAMovingClockStayWithinTheRate(Algorithm algorithm)
      throws Exception {
    long permits = 1_000;
    long burst = 50;
    RateLimiter rl = limiter(Limit.of(algorithm, permits, Duration.ofSeconds(1))
        .withBurst(burst));
    long start = clock().nowMicros();
    AtomicBoolean running = new AtomicBoolean(true);
    long admitted = race(thread -> {
      if (thread == 0) {
        // The ticker: about 0.2s of engine time in steps of 97us, while the others acquire.
        for (int i = 0; i < 2_000; i++) {
          clock().advanceMicros(97);
          LockSupport.parkNanos(20_000);
        }
        running.set(false);
        return 0L;
      }
      long mine = 0;
      while (running.get()) {
        if (rl.tryAcquire("hot")) {
          mine++;
        }
      }
      return mine;
    });
    while (rl.tryAcquire("hot")) {
      admitted++;
    }
    long elapsed = clock().nowMicros() - start;
    // Never more than B + floor(elapsed * N / W), however the threads interleave.
    assertThat(admitted).isPositive().isLessThanOrEqualTo(burst + elapsed * permits / 1_000_000);
  }

  /**
   * Runs {@code body} on {@link #THREADS} threads started together and returns the sum of what
   * they return.
   */
  private static long race(IntFunction<Long> body) throws InterruptedException,
      ExecutionException {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch ready = new CountDownLatch(THREADS);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Long>> results = new ArrayList<>();
      for (int i = 0; i < THREADS; i++) {
        int thread = i;
        results.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return body.apply(thread);
        }));
      }
      ready.await();
      go.countDown();
      long sum = 0;
      for (Future<Long> f : results) {
        sum += f.get(60, TimeUnit.SECONDS);
      }
      return sum;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("threads did not finish within 60s", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
