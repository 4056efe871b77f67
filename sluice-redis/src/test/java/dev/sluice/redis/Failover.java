package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.RateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/** What the failover tests share: load on threads during the failover, and the limit after it. */
final class Failover {
  private Failover() {}

  /** Threads sending requests until closed (at most 90 s), keeping what they throw. */
  static final class Load implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Throwable> thrown = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    /** Starts {@code count} threads, each calling {@code request} with 0, 1, 2, ... */
    Load(int count, IntConsumer request) {
      for (int t = 0; t < count; t++) {
        Thread th = new Thread(() -> {
          long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
          int i = 0;
          while (!stop.get() && System.nanoTime() < deadline) {
            try {
              request.accept(i++);
            } catch (Throwable e) {
              thrown.add(e);
            }
          }
        });
        th.setDaemon(true);
        threads.add(th);
        th.start();
      }
    }

    /** What the requests threw: nothing, whatever the servers went through. */
    List<Throwable> thrown() {
      return List.copyOf(thrown);
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread th : threads) {
        th.join(10_000);
      }
    }
  }

  /** A fresh client of a limit of five per hour: five admitted, the sixth denied, none degraded. */
  static void assertFiveThenDenied(RateLimiter strict, String client) {
    for (int i = 0; i < 5; i++) {
      Decision d = strict.check(client);
      assertThat(d.allowed()).isTrue();
      assertThat(d.degraded()).isFalse();
    }
    Decision sixth = strict.check(client);
    assertThat(sixth.allowed()).isFalse();
    assertThat(sixth.degraded()).isFalse();
  }
}
