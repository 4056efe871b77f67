package dev.sluice.bench;

import dev.sluice.InMemoryEngine;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.redis.Topology;
import dev.sluice.synced.SyncedEngine;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
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
 * The synced engine's decisions in one instance against the in-memory engine's, in the same run:
 * the ratio of the two scores is what syncing costs a decision. Both decide a fixed window of
 * 10^12 per minute (every check admitted, so every check is recorded) over {@link #keys} client
 * keys taken in turn, on the system clock. The synced engine runs against a real redis-server
 * started by the test kit and syncs every 250 ms on its own thread while the benchmark runs, as
 * in production: the cost of its syncs is in its score.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class SyncedVersusInMemoryBenchmark {
  /** {@code in-memory} or {@code synced}. */
  @Param({"in-memory", "synced"})
  public String engine;

  /** Distinct client keys; each sync pushes those touched in its interval. */
  @Param({"1", "10000"})
  public int keys;

  private RedisProcess redis;
  private RateLimiterEngine built;
  private RateLimiter limiter;
  private String[] names;

  @Setup(Level.Trial)
  public void setUp() {
    Rule rule = Rule.of("bench", Limit.fixedWindow(1_000_000_000_000L, Duration.ofMinutes(1)));
    if (engine.equals("synced")) {
      redis = RedisServers.standalone();
      built = SyncedEngine.builder(Topology.standalone(redis.uri())).build();
    } else {
      built = InMemoryEngine.create();
    }
    limiter = built.limiter(rule);
    names = new String[keys];
    for (int i = 0; i < keys; i++) {
      names[i] = "client-" + i;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    built.close();
    if (redis != null) {
      redis.close();
    }
  }

  /** Per-thread position in the key list. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Benchmark
  public boolean tryAcquire(Cursor c) {
    int i = c.next;
    c.next = i + 1 == names.length ? 0 : i + 1;
    return limiter.tryAcquire(names[i]);
  }
}
