package dev.sluice.bench;

import dev.sluice.InMemoryEngine;
import dev.sluice.RateLimiter;
import dev.sluice.TimeSource;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
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
 * Many clients: throughput of Sluice's in-memory engine when every check goes to a different,
 * uniformly random client among {@link #clients} already tracked.
 *
 * <p>There is no peer here (see {@link VersusMapOfBucketsBenchmark} for one): this measures how
 * the engine's table behaves when it is far larger than the CPU caches, the case a per-client rate
 * limiter in front of a big service lives in. Every client is inserted before the measurement
 * (with both cores), under {@link Workload#rule()} (1,000 per day), so the table holds all of them
 * throughout and almost every check is admitted; the {@code admitted} and {@code denied} counters
 * printed beside the score show the split, and the teardown prints how many clients the engine
 * tracked.
 *
 * <p>Each check is {@code tryAcquire(long key, 1, now)}: the key is uniform in
 * {@code [0, clients)} from a per-thread xorshift generator ({@link KeyCursor}), and {@code now} is
 * read from the engine's system time source on every call, as a server would.
 *
 * <p>The default size is small for a quick run; the real one is
 * {@code -p clients=100000000} (needs about 16 GiB of heap, given by the fork's
 * {@code -Xmx16g}). Run with {@code -t 2} on this two-core machine.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx16g"})
@Threads(2)
public class ManyClientsBenchmark {

  /** The engine, filled with every client before the measurement. */
  @State(Scope.Benchmark)
  public static class Table {
    /** Distinct clients tracked and checked at random. */
    @Param({"1000000"})
    public long clients;

    InMemoryEngine engine;
    RateLimiter limiter;
    TimeSource time;

    @Setup(Level.Trial)
    public void fill() {
      engine = InMemoryEngine.create();
      limiter = engine.limiter(Workload.rule());
      time = engine.timeSource();
      long start = System.nanoTime();
      LongStream.range(0, clients).parallel()
          .forEach(k -> limiter.tryAcquire(k, 1, time.nowMicros()));
      System.out.printf("%n[setup] %,d clients inserted in %.1f s; engine tracks %,d%n",
          clients, (System.nanoTime() - start) / 1e9, engine.trackedClients());
    }

    @TearDown(Level.Trial)
    public void report() {
      System.out.printf("%n[teardown] engine tracks %,d clients (of %,d)%n",
          engine.trackedClients(), clients);
      engine.close();
    }
  }

  @Benchmark
  public boolean sluice(Table table, KeyCursor cursor, Outcomes outcomes) {
    long key = cursor.next(table.clients);
    return outcomes.count(table.limiter.tryAcquire(key, 1, table.time.nowMicros()));
  }
}
