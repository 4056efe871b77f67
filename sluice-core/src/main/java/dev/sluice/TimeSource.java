package dev.sluice;

/**
 * Where a rate limiter reads "now" when a caller does not pass an explicit timestamp.
 *
 * <p>Time is a {@code long} count of microseconds since the Unix epoch everywhere in Sluice.
 * No algorithm and no engine reads the system clock directly: they read a {@code TimeSource},
 * so every decision can be replayed with explicit timestamps or a {@link ManualTimeSource}.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TimeSource {

  /** Returns the current time in microseconds since the Unix epoch; never negative. */
  long nowMicros();

  /**
   * The system time source: wall-clock microseconds that never go backwards within this process
   * (the epoch offset is read once, then advanced with {@link System#nanoTime()}), and that read
   * without allocating.
   */
  static TimeSource system() {
    return SystemTimeSource.INSTANCE;
  }

  /** A time source that only moves when told to, starting at {@code startMicros}. */
  static ManualTimeSource manual(long startMicros) {
    return new ManualTimeSource(startMicros);
  }
}
