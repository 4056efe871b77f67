package dev.sluice;

import java.time.Instant;

/** Wall-clock microseconds anchored once, advanced monotonically with {@code nanoTime}. */
final class SystemTimeSource implements TimeSource {
  static final SystemTimeSource INSTANCE = new SystemTimeSource();

  private final long anchorMicros;
  private final long anchorNanos;

  private SystemTimeSource() {
    Instant now = Instant.now();
    this.anchorNanos = System.nanoTime();
    this.anchorMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  @Override
  public long nowMicros() {
    return anchorMicros + (System.nanoTime() - anchorNanos) / 1_000;
  }

  @Override
  public String toString() {
    return "TimeSource.system()";
  }
}
