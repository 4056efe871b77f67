package dev.sluice.gateway.balance;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One host of an upstream as the balancers see it: its address and weight, the requests in
 * flight to it, an EWMA of its response time, and since when it has been usable (for slow
 * start). Health lives with the gateway ({@code HostState}); a balancer only ever sees the hosts
 * the gateway found usable.
 *
 * <p>Thread-safe.
 */
public final class UpstreamHost {
  /** Weight of a new latency sample in the EWMA. */
  public static final double EWMA_ALPHA = 0.2;
  private static final double SLOW_START_FLOOR = 0.1;

  private final String authority;
  private final int weight;
  private final long slowStartNanos;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong ewmaNanos = new AtomicLong();
  private volatile long usableSinceNanos;

  /**
   * A host.
   *
   * @param authority {@code host:port}
   * @param weight at least 1
   * @param slowStartNanos ramp-up of the weight after {@link #markUsable}, ns; 0: none
   * @param nowNanos the clock reading at creation (counts as the start of a slow start)
   * @throws IllegalArgumentException if {@code weight} is below 1 or the ramp is negative
   */
  public UpstreamHost(String authority, int weight, long slowStartNanos, long nowNanos) {
    if (weight < 1) {
      throw new IllegalArgumentException("weight " + weight + " of " + authority
          + " must be at least 1");
    }
    if (slowStartNanos < 0) {
      throw new IllegalArgumentException("slow start " + slowStartNanos + "ns must be >= 0");
    }
    this.authority = authority;
    this.weight = weight;
    this.slowStartNanos = slowStartNanos;
    this.usableSinceNanos = nowNanos;
  }

  /** {@code host:port}. */
  public String authority() {
    return authority;
  }

  /** The configured weight. */
  public int weight() {
    return weight;
  }

  /**
   * The weight in force at {@code nowNanos}: the configured one, ramped linearly from 10% over
   * the slow-start time after the host became usable.
   */
  public double effectiveWeight(long nowNanos) {
    if (slowStartNanos == 0) {
      return weight;
    }
    long elapsed = nowNanos - usableSinceNanos;
    if (elapsed >= slowStartNanos) {
      return weight;
    }
    double f = Math.max(SLOW_START_FLOOR, (double) Math.max(0, elapsed) / slowStartNanos);
    return weight * f;
  }

  /** The host (re)joined the usable set at {@code nowNanos}: slow start begins. */
  public void markUsable(long nowNanos) {
    usableSinceNanos = nowNanos;
  }

  /** Requests sent to it and not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  /** A request to it starts. */
  public void begin() {
    inFlight.incrementAndGet();
  }

  /**
   * A request to it ended.
   *
   * @param latencyNanos time to the response headers, or a negative value when there was no
   *     response to time (the EWMA is left alone)
   */
  public void end(long latencyNanos) {
    inFlight.decrementAndGet();
    if (latencyNanos >= 0) {
      recordLatency(latencyNanos);
    }
  }

  /** Folds a response time into the EWMA ({@link #EWMA_ALPHA} per sample). */
  public void recordLatency(long latencyNanos) {
    long x = Math.max(1, latencyNanos);
    ewmaNanos.getAndUpdate(old -> old == 0 ? x : Math.max(1,
        Math.round(old + EWMA_ALPHA * (x - old))));
  }

  /** The EWMA of response times, ns; 0 until the first response. */
  public long latencyEwmaNanos() {
    return ewmaNanos.get();
  }

  @Override
  public String toString() {
    return authority;
  }
}
