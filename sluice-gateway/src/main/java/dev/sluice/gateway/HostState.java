package dev.sluice.gateway;

import dev.sluice.gateway.GatewayConfig.HostSpec;
import dev.sluice.gateway.GatewayConfig.Outlier;
import dev.sluice.gateway.balance.UpstreamHost;

/**
 * One host with its health: the active check's verdict and the passive outlier state. A host is
 * usable when the active check (if any) says healthy and it is not ejected.
 *
 * <p>Thread-safe: every transition holds the instance lock, reads are of volatile fields.
 */
final class HostState {
  final HostSpec spec;
  final UpstreamHost host;
  final GatewayMetrics.HostMeters meters;

  private volatile boolean activeHealthy = true;
  private int checkSuccesses;
  private int checkFailures;

  private volatile long ejectedUntilNanos;
  private volatile boolean ejected;
  private int consecutiveFailures;
  private int ejections;
  private long readmittedAtNanos;

  HostState(HostSpec spec, UpstreamHost host, GatewayMetrics.HostMeters meters) {
    this.spec = spec;
    this.host = host;
    this.meters = meters;
    meters.bindHealth(this);
  }

  /** Whether requests may go to it at {@code now}; readmits an ejected host whose time is up. */
  boolean usable(long now) {
    if (ejected && now - ejectedUntilNanos >= 0) {
      readmit(now);
    }
    return activeHealthy && !ejected;
  }

  boolean activeHealthy() {
    return activeHealthy;
  }

  boolean ejected() {
    return ejected;
  }

  /** 1 usable, 0 not, as exported. */
  int healthGauge() {
    return activeHealthy && !ejected ? 1 : 0;
  }

  private synchronized void readmit(long now) {
    if (ejected && now - ejectedUntilNanos >= 0) {
      ejected = false;
      consecutiveFailures = 0;
      readmittedAtNanos = now;
      host.markUsable(now);
    }
  }

  /** An active check passed; returns whether this made the host healthy. */
  synchronized boolean checkPassed(int healthyThreshold, long now) {
    checkFailures = 0;
    checkSuccesses++;
    if (!activeHealthy && checkSuccesses >= healthyThreshold) {
      activeHealthy = true;
      host.markUsable(now);
      return true;
    }
    return false;
  }

  /** An active check failed; returns whether this made the host unhealthy. */
  synchronized boolean checkFailed(int unhealthyThreshold) {
    checkSuccesses = 0;
    checkFailures++;
    if (activeHealthy && checkFailures >= unhealthyThreshold) {
      activeHealthy = false;
      return true;
    }
    return false;
  }

  /** A response below 500 came back. */
  void succeeded(Outlier o, long now) {
    if (consecutiveFailures == 0 && ejections == 0) {
      return; // the common case, without the lock
    }
    synchronized (this) {
      consecutiveFailures = 0;
      // A host that has stayed in for the longest ejection time starts over at the base time.
      if (ejections > 0 && !ejected && now - readmittedAtNanos > o.maxEjectionTime().toNanos()) {
        ejections = 0;
      }
    }
  }

  /**
   * A 5xx answer or a connect failure; ejects the host when it reaches the threshold and
   * {@code mayEject} allows (the share of ejected hosts).
   *
   * @return whether the host was ejected now
   */
  synchronized boolean failed(Outlier o, long now, java.util.function.BooleanSupplier mayEject) {
    if (o.consecutiveFailures() == 0 || ejected) {
      return false;
    }
    consecutiveFailures++;
    if (consecutiveFailures < o.consecutiveFailures() || !mayEject.getAsBoolean()) {
      return false;
    }
    ejections++;
    long time = Math.min(o.maxEjectionTime().toNanos(),
        o.baseEjectionTime().toNanos() * ejections);
    ejectedUntilNanos = now + time;
    ejected = true;
    consecutiveFailures = 0;
    return true;
  }

  /** Times ejected since the count last started over. */
  synchronized int ejections() {
    return ejections;
  }
}
