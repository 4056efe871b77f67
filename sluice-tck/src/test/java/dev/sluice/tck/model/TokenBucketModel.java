package dev.sluice.tck.model;

import static dev.sluice.Decision.NEVER;

import java.math.BigInteger;

/**
 * Token bucket in exact units: with {@code g = gcd(N, W)}, one token is {@code w = W / g} units
 * and the bucket gains {@code n = N / g} units per microsecond.
 *
 * @param permits N
 * @param window W in microseconds
 * @param burst B, the capacity in tokens
 * @param present false for the absent state (a full bucket)
 * @param last T, the time of the last allowed request (the reference time)
 * @param units s, the units in the bucket at {@code last}
 */
public record TokenBucketModel(long permits, long window, long burst, boolean present, long last,
    long units) implements LimitModel {

  static TokenBucketModel initial(long permits, long window, long burst) {
    return new TokenBucketModel(permits, window, burst, false, 0, 0);
  }

  @Override
  public Step step(long t, long cost) {
    if (permits == 0) {
      return Step.blocked(this);
    }
    long g = gcd(permits, window);
    long n = permits / g;
    long w = window / g;
    long capacity = Math.multiplyExact(burst, w);
    long effective = present ? Math.max(t, last) : t;
    long s = present ? refill(units, effective - last, n, capacity) : capacity;
    if (cost <= burst && s >= cost * w) {
      long after = s - cost * w;
      return Step.allowed(after / w, effective + Math.ceilDiv(capacity - after, n),
          new TokenBucketModel(permits, window, burst, true, effective, after));
    }
    long resetAt = effective + Math.ceilDiv(capacity - s, n);
    long retryAfter = cost > burst ? NEVER : effective + Math.ceilDiv(cost * w - s, n) - t;
    return Step.denied(s / w, resetAt, retryAfter, this);
  }

  private static long refill(long units, long elapsed, long n, long capacity) {
    BigInteger filled = BigInteger.valueOf(units)
        .add(BigInteger.valueOf(elapsed).multiply(BigInteger.valueOf(n)));
    return filled.min(BigInteger.valueOf(capacity)).longValueExact();
  }

  static long gcd(long a, long b) {
    return BigInteger.valueOf(a).gcd(BigInteger.valueOf(b)).longValueExact();
  }
}
