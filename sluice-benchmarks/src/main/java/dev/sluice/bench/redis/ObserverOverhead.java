package dev.sluice.bench.redis;

import dev.sluice.redis.RedisEngine;
import dev.sluice.redis.RedisRateLimiter;
import dev.sluice.redis.Topology;
import dev.sluice.frontend.metrics.ServerMetrics;
import dev.sluice.spi.EngineObserver;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the per-shard metrics hook ({@link EngineObserver}) costs a Redis check: the same
 * pipelined load (one connection, {@value RedisBenchmarks#DEPTH} checks in flight) on an engine
 * without an observer and on one reporting to the service's {@link ServerMetrics}, in
 * alternating rounds so that drift in a shared machine's load hits both alike. Prints checks per second and bytes
 * allocated per check (all threads, {@code getTotalThreadAllocatedBytes}) for every round, and
 * the medians.
 *
 * <pre>
 *   java -cp ... dev.sluice.bench.redis.ObserverOverhead PORT [seconds-per-round] [rounds]
 * </pre>
 *
 * <p>Not JMH, as {@link RedisBenchmarks}: the cost sits on Lettuce's I/O threads, which a JMH
 * benchmark thread does not see. Needs a redis-server on 127.0.0.1:PORT.
 */
public final class ObserverOverhead {
  private ObserverOverhead() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    System.out.printf("# %s, %d cores, %d rounds of %d s each per variant, pipeline %d%n",
        System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors(),
        rounds, seconds, RedisBenchmarks.DEPTH);
    double[][] rate = new double[2][rounds];
    double[][] bytes = new double[2][rounds];
    ServerMetrics metrics = new ServerMetrics();
    EngineObserver[] observers = {EngineObserver.NONE, metrics};
    String[] names = {"no observer", "ServerMetrics"};
    for (int r = 0; r < rounds; r++) {
      for (int v = 0; v < 2; v++) {
        int which = r % 2 == 0 ? v : 1 - v;
        try (RedisEngine engine = RedisEngine.builder(Topology.standalone(
            "redis://127.0.0.1:" + port)).commandTimeout(Duration.ofSeconds(5))
            .denialCache(false).observer(observers[which]).build()) {
          RedisRateLimiter limiter = engine.limiter(RedisBenchmarks.ONE);
          RedisBenchmarks.runPipelined(limiter, 1);
          long b0 = allocated();
          long t0 = System.nanoTime();
          long ops = RedisBenchmarks.runPipelined(limiter, seconds);
          double wall = (System.nanoTime() - t0) / 1e9;
          rate[which][r] = ops / wall;
          bytes[which][r] = (allocated() - b0) / (double) ops;
          System.out.printf(Locale.ROOT, "round %d %-13s %9.0f checks/s %7.0f bytes/check%n",
              r, names[which], rate[which][r], bytes[which][r]);
        }
      }
    }
    for (int v = 0; v < 2; v++) {
      System.out.printf(Locale.ROOT, "median  %-13s %9.0f checks/s %7.0f bytes/check%n",
          names[v], median(rate[v]), median(bytes[v]));
    }
    System.out.printf(Locale.ROOT, "observer/none throughput ratio %.3f%n",
        median(rate[1]) / median(rate[0]));
    System.exit(0);
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getTotalThreadAllocatedBytes();
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
