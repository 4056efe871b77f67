package dev.sluice.bench;

import dev.sluice.InMemoryEngine;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One hot key: the cost of a single admission check when every thread hits the same limiter.
 *
 * <p>Compared: Sluice's in-memory engine ({@code limiter.tryAcquire("hot-key")}), a Bucket4j local
 * bucket with the {@code LOCK_FREE} strategy ({@code tryConsume(1)}), a Resilience4j
 * {@code AtomicRateLimiter} with timeout 0 ({@code acquirePermission()}) and a Guava
 * {@code RateLimiter} ({@code tryAcquire()}).
 *
 * <p>Why it is fair: every limiter reads the clock itself on every call (Sluice its system
 * {@code TimeSource}, Bucket4j {@code System.nanoTime()} with nanosecond precision, Resilience4j
 * {@code System.nanoTime()}, Guava its {@code Stopwatch}), decides, and records the consumption
 * with the thread-safety it ships with; all state is shared between the benchmark threads
 * ({@link Scope#Benchmark}). Sluice does strictly more work than the peers: it hashes the key and
 * finds the client's row in its table, where each peer is a single bucket. Two configurations,
 * {@link #mode}:
 * <ul>
 *   <li>{@code admit}: 10^9 permits per second with a burst of 10^9 (Guava: 10^9 per second),
 *       so every check is admitted; the teardown fails the run if one was not.</li>
 *   <li>{@code deny}: 1 permit per hour with a burst of 1, so after the first check every check
 *       is denied (the path of a client being throttled); the teardown fails the run if one was
 *       admitted.</li>
 * </ul>
 * Resilience4j's limiter is a fixed window refreshed every period (it has no bucket) and Guava's
 * keeps at most one second of permits; at these rates neither difference changes an outcome.
 *
 * <p>{@link #clockOnly} is a control, not a contender: one read of {@code System.nanoTime()}, the
 * clock every limiter here reads once per check. Its score is a ceiling no limiter can pass, and
 * a limiter's distance from it is the cost of its decision.
 *
 * <p>Run at 1 and 2 threads ({@code -t 1}, {@code -t 2}); {@code -prof gc} reports
 * {@code gc.alloc.rate.norm}, the bytes allocated per check.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class HotKeyBenchmark {
  private static final String KEY = "hot-key";

  /** {@code admit}: every check is admitted; {@code deny}: every check after the first is denied. */
  @Param({"admit", "deny"})
  public String mode;

  private InMemoryEngine engine;
  private RateLimiter sluice;
  private Bucket bucket4j;
  private AtomicRateLimiter resilience4j;
  private com.google.common.util.concurrent.RateLimiter guava;

  @Setup(Level.Trial)
  public void setUp() {
    engine = InMemoryEngine.create();
    switch (mode) {
      case "admit" -> {
        long rate = 1_000_000_000L;
        sluice = engine.limiter(Rule.of("hot", Limit.tokenBucket(rate, Duration.ofSeconds(1))));
        bucket4j = Peers.bucket4j(rate, Duration.ofSeconds(1), rate);
        resilience4j = Peers.resilience4j((int) rate, Duration.ofSeconds(1));
        guava = Peers.guava(rate);
      }
      case "deny" -> {
        sluice = engine.limiter(Rule.of("hot", Limit.tokenBucket(1, Duration.ofHours(1))));
        bucket4j = Peers.bucket4j(1, Duration.ofHours(1), 1);
        resilience4j = Peers.resilience4j(1, Duration.ofHours(1));
        guava = Peers.guava(1.0 / 3600);
        // Spend the one permit each holds, so that what is measured is the denial path.
        sluice.tryAcquire(KEY);
        bucket4j.tryConsume(1);
        resilience4j.acquirePermission();
        guava.tryAcquire();
      }
      default -> throw new IllegalArgumentException("mode '" + mode + "': expected admit or deny");
    }
  }

  /** Fails the run if a limiter's outcome was not what the mode promises. */
  @TearDown(Level.Trial)
  public void verifyOutcome() {
    boolean expected = mode.equals("admit");
    check("sluice", sluice.tryAcquire(KEY), expected);
    check("bucket4j", bucket4j.tryConsume(1), expected);
    check("resilience4j", resilience4j.acquirePermission(), expected);
    check("guava", guava.tryAcquire(), expected);
    engine.close();
  }

  private static void check(String name, boolean actual, boolean expected) {
    if (actual != expected) {
      throw new IllegalStateException(name + " returned " + actual + " after the measurement; "
          + "expected " + expected + ": the configuration does not do what this benchmark says");
    }
  }

  /** Control: the clock read alone (the upper bound on every limiter's score). */
  @Benchmark
  public long clockOnly() {
    return System.nanoTime();
  }

  @Benchmark
  public boolean sluice() {
    return sluice.tryAcquire(KEY);
  }

  @Benchmark
  public boolean bucket4j() {
    return bucket4j.tryConsume(1);
  }

  @Benchmark
  public boolean resilience4j() {
    return resilience4j.acquirePermission();
  }

  @Benchmark
  public boolean guava() {
    return guava.tryAcquire();
  }
}
