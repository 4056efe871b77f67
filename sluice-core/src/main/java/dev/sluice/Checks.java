package dev.sluice;

/** Argument validation shared by the API classes: every message names the bad value. */
final class Checks {
  private Checks() {}

  static long timestamp(long micros) {
    if (micros < 0 || micros > Limit.MAX_TIME) {
      throw new IllegalArgumentException("timestamp " + micros
          + "us is outside [0, " + Limit.MAX_TIME + "] microseconds since the epoch");
    }
    return micros;
  }

  static long cost(long cost) {
    if (cost < 1) {
      throw new IllegalArgumentException("cost " + cost + " must be >= 1");
    }
    return cost;
  }

  static <T extends CharSequence> T key(T key) {
    if (key == null) {
      throw new IllegalArgumentException("client key must not be null");
    }
    return key;
  }
}
