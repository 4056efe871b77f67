package dev.sluice.tck.model;

import static dev.sluice.Decision.NEVER;

import java.math.BigInteger;

/**
 * GCRA (leaky bucket as a meter). With {@code g = gcd(N, W)}, {@code n = N / g} and
 * {@code w = W / g}, every time is kept in units of {@code 1/n} microsecond, where the emission
 * interval {@code E = W / N} is exactly {@code w} units and {@code TAT = q + r/n} is the integer
 * {@code q * n + r}.
 *
 * @param permits N
 * @param window W in microseconds
 * @param burst B, permits that may pass back to back
 * @param tat the theoretical arrival time in units of {@code 1/n} microsecond; null for the
 *     absent state ({@code TAT <= t} for every {@code t})
 */
public record GcraModel(long permits, long window, long burst, BigInteger tat)
    implements LimitModel {

  static GcraModel initial(long permits, long window, long burst) {
    return new GcraModel(permits, window, burst, null);
  }

  @Override
  public Step step(long t, long cost) {
    if (permits == 0) {
      return Step.blocked(this);
    }
    long g = TokenBucketModel.gcd(permits, window);
    BigInteger n = big(permits / g);
    BigInteger w = big(window / g);
    BigInteger tolerance = big(burst).multiply(w);
    BigInteger now = big(t).multiply(n);
    BigInteger base = tat == null ? now : tat.max(now);
    BigInteger newTat = base.add(big(cost).multiply(w));
    if (newTat.subtract(now).compareTo(tolerance) <= 0) {
      return Step.allowed(remaining(newTat, now, tolerance, w), resetAt(newTat, now, n, t),
          new GcraModel(permits, window, burst, newTat));
    }
    long remaining = remaining(tat, now, tolerance, w);
    long resetAt = resetAt(tat, now, n, t);
    if (cost > burst) {
      return Step.denied(remaining, resetAt, NEVER, this);
    }
    // Denied with cost <= burst implies a TAT in the future: the absent state admits it.
    BigInteger allowedAt = ceilDiv(tat.subtract(big(burst - cost).multiply(w)), n);
    return Step.denied(remaining, resetAt, allowedAt.longValueExact() - t, this);
  }

  private static long remaining(BigInteger tat, BigInteger now, BigInteger tolerance,
      BigInteger w) {
    BigInteger ahead = tat == null ? BigInteger.ZERO : tat.max(now).subtract(now);
    BigInteger free = floorDiv(tolerance.subtract(ahead), w);
    return free.max(BigInteger.ZERO).longValueExact();
  }

  private static long resetAt(BigInteger tat, BigInteger now, BigInteger n, long t) {
    return tat != null && tat.compareTo(now) > 0 ? ceilDiv(tat, n).longValueExact() : t;
  }

  private static BigInteger big(long v) {
    return BigInteger.valueOf(v);
  }

  private static BigInteger floorDiv(BigInteger a, BigInteger b) {
    BigInteger[] qr = a.divideAndRemainder(b);
    return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
  }

  private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
    return floorDiv(a.negate(), b).negate();
  }
}
