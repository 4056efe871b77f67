package dev.sluice.bench;

import dev.sluice.InMemoryEngine;
import dev.sluice.RateLimiter;
import io.github.bucket4j.Bucket;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * Measures the heap one tracked client costs: retained heap after full collections, with the
 * structure, minus retained heap before it, divided by the number of clients.
 *
 * <p>Usage: {@code java -Xmx16g -cp benchmarks.jar dev.sluice.bench.HeapPerClient MODE N}, with
 * MODE one of:
 * <ul>
 *   <li>{@code sluice-long}: Sluice's in-memory engine, N clients named by {@code long} keys
 *       {@code 0..N-1} (the {@link ManyClientsBenchmark} workload);</li>
 *   <li>{@code sluice-string}: the engine, N clients named by the strings of
 *       {@link Workload#stringKeys};</li>
 *   <li>{@code map-of-buckets}: a {@code ConcurrentHashMap<String, Bucket>} of Bucket4j buckets
 *       over the same strings (the {@link VersusMapOfBucketsBenchmark} peer).</li>
 * </ul>
 * In the string modes the key array is built and measured before the baseline is taken, so it is
 * excluded from the per-client figure: both structures are charged only for what they add. (The
 * map keeps references to those same strings; Sluice keeps only their hashes.) Every client gets
 * one admitted check under {@link Workload#rule()}, so no state is initial and none is evicted.
 *
 * <p>Run each mode in its own JVM, so that one structure's garbage or heap sizing does not leak
 * into another's figure ({@code run.sh heap} does).
 */
public final class HeapPerClient {
  private HeapPerClient() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: HeapPerClient sluice-long|sluice-string|map-of-buckets N");
      System.exit(2);
    }
    String mode = args[0];
    int n = Integer.parseInt(args[1].replace("_", ""));
    String[] keys = null;
    if (!mode.equals("sluice-long")) {
      long beforeKeys = retainedHeap();
      keys = Workload.stringKeys(n);
      long afterKeys = retainedHeap();
      System.out.printf(Locale.ROOT, "key array: %,d strings, %,d bytes (%.1f per key), "
          + "excluded below%n", n, afterKeys - beforeKeys, (afterKeys - beforeKeys) / (double) n);
    }
    String[] k = keys;
    long baseline = retainedHeap();
    long start = System.nanoTime();
    Object structure;
    long tracked;
    switch (mode) {
      case "sluice-long" -> {
        InMemoryEngine engine = InMemoryEngine.create();
        RateLimiter limiter = engine.limiter(Workload.rule());
        long now = engine.timeSource().nowMicros();
        LongStream.range(0, n).parallel().forEach(i -> limiter.tryAcquire(i, 1, now));
        structure = engine;
        tracked = engine.trackedClients();
      }
      case "sluice-string" -> {
        InMemoryEngine engine = InMemoryEngine.create();
        RateLimiter limiter = engine.limiter(Workload.rule());
        long now = engine.timeSource().nowMicros();
        IntStream.range(0, n).parallel().forEach(i -> limiter.tryAcquire(k[i], 1, now));
        structure = engine;
        tracked = engine.trackedClients();
      }
      case "map-of-buckets" -> {
        ConcurrentHashMap<String, Bucket> map = new ConcurrentHashMap<>();
        IntStream.range(0, n).parallel().forEach(i -> map.computeIfAbsent(k[i],
            VersusMapOfBucketsBenchmark::newBucket).tryConsume(1));
        structure = map;
        tracked = map.size();
      }
      default -> throw new IllegalArgumentException("unknown mode '" + mode
          + "': expected sluice-long, sluice-string or map-of-buckets");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long after = retainedHeap();
    Reference.reachabilityFence(structure);
    Reference.reachabilityFence(keys);
    long bytes = after - baseline;
    System.out.printf(Locale.ROOT, "%s: %,d clients inserted in %.1f s, %,d tracked; "
        + "heap %,d bytes = %.1f bytes per client%n",
        mode, n, seconds, tracked, bytes, bytes / (double) n);
    if (tracked != n) {
      System.out.printf("WARNING: %,d clients tracked, expected %,d%n", tracked, n);
    }
  }

  /** Heap still in use after a few full collections, in bytes. */
  static long retainedHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
