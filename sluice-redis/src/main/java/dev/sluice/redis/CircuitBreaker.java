package dev.sluice.redis;

import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.EngineObserver;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One shard's circuit breaker: closed, open, half-open (see {@link BreakerSettings}).
 *
 * <p>Thread-safe. The closed path costs one volatile read per call and one per success; state
 * changes take the monitor, which only happens around failures, and are reported to the shard's
 * {@link EngineObserver.Shard} under it.
 */
final class CircuitBreaker {

  /** The breaker's states. */
  enum State { CLOSED, OPEN, HALF_OPEN }

  private final BreakerSettings settings;
  private final LongSupplier nanoTicker;
  private final EngineObserver.Shard observer;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  private volatile State state = State.CLOSED;
  private volatile long openUntilNanos;
  private int opens;
  private long timesOpened;

  CircuitBreaker(BreakerSettings settings, LongSupplier nanoTicker) {
    this(settings, nanoTicker, EngineObserver.Shard.NONE);
  }

  CircuitBreaker(BreakerSettings settings, LongSupplier nanoTicker,
      EngineObserver.Shard observer) {
    this.settings = settings;
    this.nanoTicker = nanoTicker;
    this.observer = observer;
  }

  State state() {
    return state;
  }

  /** How many times the breaker has opened. */
  synchronized long timesOpened() {
    return timesOpened;
  }

  /** Nanoseconds until the breaker lets a probe through; 0 unless open. */
  long nanosUntilProbe() {
    if (state != State.OPEN) {
      return 0;
    }
    return Math.max(0, openUntilNanos - nanoTicker.getAsLong());
  }

  /**
   * Whether a call may go to the network now: always when closed; when open, only the first
   * caller after the open period (which turns the breaker half-open); never while half-open.
   */
  boolean tryAcquire() {
    State s = state;
    if (s == State.CLOSED) {
      return true;
    }
    if (s == State.HALF_OPEN || nanoTicker.getAsLong() - openUntilNanos < 0) {
      return false;
    }
    synchronized (this) {
      if (state == State.OPEN && nanoTicker.getAsLong() - openUntilNanos >= 0) {
        state = State.HALF_OPEN;
        observer.circuitChanged(EngineHealth.Circuit.HALF_OPEN);
        return true;
      }
      return false;
    }
  }

  void onSuccess() {
    if (state != State.CLOSED) {
      synchronized (this) {
        boolean changed = state != State.CLOSED;
        state = State.CLOSED;
        opens = 0;
        consecutiveFailures.set(0);
        if (changed) {
          observer.circuitChanged(EngineHealth.Circuit.CLOSED);
        }
      }
    } else if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
  }

  void onFailure() {
    if (state == State.CLOSED
        && consecutiveFailures.incrementAndGet() < settings.failureThreshold()) {
      return;
    }
    synchronized (this) {
      if (state == State.OPEN) {
        return;
      }
      opens = Math.min(opens + 1, 30);
      long base = settings.initialOpen().toNanos();
      long max = settings.maxOpen().toNanos();
      long d = base;
      for (int i = 1; i < opens && d < max; i++) {
        d *= 2;
      }
      d = Math.min(d, max);
      long jittered = d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1);
      openUntilNanos = nanoTicker.getAsLong() + jittered;
      consecutiveFailures.set(0);
      timesOpened++;
      state = State.OPEN;
      observer.circuitChanged(EngineHealth.Circuit.OPEN);
    }
  }
}
