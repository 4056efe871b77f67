package dev.sluice.bench;

import dev.sluice.InMemoryEngine;
import dev.sluice.RateLimiter;
import dev.sluice.TimeSource;
import io.github.bucket4j.Bucket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Sluice's in-memory engine against what applications usually write instead: a
 * {@code ConcurrentHashMap<String, Bucket>} of Bucket4j buckets, one per client, created on first
 * sight with {@code computeIfAbsent} and then asked {@code tryConsume(1)}.
 *
 * <p>Why it is fair: both sides do the same checks over the same client keys, the same
 * deterministic {@code String}s ({@link Workload#stringKeys}) chosen by the same per-thread
 * generator ({@link KeyCursor}), with the same limit ({@link Workload#rule()}, 1,000 per day; the
 * Bucket4j buckets are lock-free with nanosecond precision, see {@link Peers#bucket4j}). Both
 * structures are filled with every client before the measurement, so the benchmark measures
 * lookups and decisions in a table of {@link #clients}, not insertion. Both read the clock on every
 * call: Sluice through its system time source, Bucket4j through {@code System.nanoTime()}. Each
 * side runs in its own forked JVM, so neither pays for the other's heap. The key array is shared
 * input, built the same way for both; its memory is excluded from the per-structure figures that
 * {@link HeapPerClient} measures ({@code sluice-string} against {@code map-of-buckets}).
 *
 * <p>The real size is {@code -p clients=20000000}; the default is small for a quick run.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx16g"})
@Threads(2)
@State(Scope.Benchmark)
public class VersusMapOfBucketsBenchmark {

  /** Distinct clients, all tracked before the measurement. */
  @Param({"1000000"})
  public int clients;

  private String[] keys;
  private InMemoryEngine engine;
  private RateLimiter sluice;
  private TimeSource time;
  private ConcurrentHashMap<String, Bucket> buckets;

  @Setup(Level.Trial)
  public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) {
    keys = Workload.stringKeys(clients);
    long start = System.nanoTime();
    // Fill only the structure this fork measures.
    if (params.getBenchmark().endsWith(".sluice")) {
      engine = InMemoryEngine.create();
      sluice = engine.limiter(Workload.rule());
      time = engine.timeSource();
      IntStream.range(0, clients).parallel()
          .forEach(i -> sluice.tryAcquire(keys[i], 1, time.nowMicros()));
    } else {
      buckets = new ConcurrentHashMap<>();
      IntStream.range(0, clients).parallel()
          .forEach(i -> buckets.computeIfAbsent(keys[i], VersusMapOfBucketsBenchmark::newBucket)
              .tryConsume(1));
    }
    System.out.printf("%n[setup] %,d clients inserted in %.1f s; tracked: %,d%n", clients,
        (System.nanoTime() - start) / 1e9,
        engine != null ? engine.trackedClients() : (long) buckets.size());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.printf("%n[teardown] tracked: %,d clients (of %,d)%n",
        engine != null ? engine.trackedClients() : (long) buckets.size(), clients);
    if (engine != null) {
      engine.close();
    }
  }

  static Bucket newBucket(String key) {
    return Peers.bucket4j(Workload.PERMITS, Workload.WINDOW, Workload.PERMITS);
  }

  @Benchmark
  public boolean sluice(KeyCursor cursor, Outcomes outcomes) {
    String key = keys[(int) cursor.next(clients)];
    return outcomes.count(sluice.tryAcquire(key, 1, time.nowMicros()));
  }

  @Benchmark
  public boolean mapOfBuckets(KeyCursor cursor, Outcomes outcomes) {
    String key = keys[(int) cursor.next(clients)];
    return outcomes.count(
        buckets.computeIfAbsent(key, VersusMapOfBucketsBenchmark::newBucket).tryConsume(1));
  }
}
