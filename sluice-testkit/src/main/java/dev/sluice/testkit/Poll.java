package dev.sluice.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition (not a timed assertion: the deadline is only a hang guard). */
public final class Poll {
  private Poll() {}

  public static void until(String what, Duration max, BooleanSupplier condition) {
    long deadline = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up after " + max + " waiting for: " + what);
      }
      RedisProcess.sleep(20);
    }
  }
}
