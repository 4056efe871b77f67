package dev.sluice.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one body on several threads released together by a barrier, so that a race test's threads
 * really overlap, and fails with the first error any of them threw once all have finished.
 */
public final class Together {
  private Together() {}

  /** One thread's work; {@code thread} numbers the threads from 0. */
  @FunctionalInterface
  public interface Body {
    void run(int thread) throws Exception;
  }

  /**
   * Runs {@code body} on {@code threads} threads released together and waits for all of them.
   *
   * @throws ExecutionException with the first error a thread threw (the others suppressed)
   */
  public static void run(int threads, Body body) throws InterruptedException, ExecutionException {
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          body.run(thread);
          return null;
        }));
      }
      ExecutionException first = null;
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e.getCause());
          }
        }
      }
      if (first != null) {
        throw first;
      }
    } finally {
      pool.shutdown();
    }
  }
}
