package dev.sluice;

import dev.sluice.spi.Checks;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimeSource} for tests and replays: it stands still until {@link #set} or
 * {@link #advance} moves it. Thread-safe.
 */
public final class ManualTimeSource implements TimeSource {
  private final AtomicLong micros;

  ManualTimeSource(long startMicros) {
    this.micros = new AtomicLong(Checks.timestamp(startMicros));
  }

  @Override
  public long nowMicros() {
    return micros.get();
  }

  /**
   * Moves the time to {@code nowMicros}; it may move backwards (to test out-of-order arrivals).
   *
   * @throws IllegalArgumentException if the value is negative or beyond {@link Limit#MAX_TIME}
   */
  public void set(long nowMicros) {
    micros.set(Checks.timestamp(nowMicros));
  }

  /** Moves the time forward by {@code by} (rounded down to whole microseconds). */
  public void advance(Duration by) {
    advanceMicros(by.toNanos() / 1_000);
  }

  /** Moves the time forward by {@code deltaMicros}, which may be negative. */
  public void advanceMicros(long deltaMicros) {
    micros.updateAndGet(m -> Checks.timestamp(m + deltaMicros));
  }

  @Override
  public String toString() {
    return "ManualTimeSource[" + micros.get() + "us]";
  }
}
