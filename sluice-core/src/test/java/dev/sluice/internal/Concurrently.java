package dev.sluice.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs one seeded worker on several threads released together: the tables' race tests. */
final class Concurrently {
  private Concurrently() {}

  /** One thread's work: its own random source in, its result out. */
  interface Worker<T> {
    T run(SplittableRandom r) throws Exception;
  }

  /** A hash in segment 0 (top bits clear, row-lock bit clear), never 0. */
  static long hashIn0(SplittableRandom r) {
    return (r.nextLong() & ((1L << 57) - 1)) | 1;
  }

  /** {@code count} distinct-enough hot keys of segment 0. */
  static long[] hotKeys(SplittableRandom setup, int count) {
    long[] hot = new long[count];
    for (int i = 0; i < count; i++) {
      hot[i] = hashIn0(setup);
    }
    return hot;
  }

  /**
   * Runs {@code worker} on {@code threads} threads released together, thread {@code t} seeded
   * from {@code seed} and {@code t}; returns their results once all have finished.
   */
  static <T> List<T> run(int threads, long seed, Worker<T> worker) throws Exception {
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<T>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        long threadSeed = seed * 31 + t;
        done.add(pool.submit(() -> {
          SplittableRandom r = new SplittableRandom(threadSeed);
          start.await();
          return worker.run(r);
        }));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : done) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdown();
    }
  }
}
