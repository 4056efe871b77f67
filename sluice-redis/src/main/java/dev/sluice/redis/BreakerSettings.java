package dev.sluice.redis;

import java.time.Duration;

/**
 * How a shard's circuit breaker opens and probes. After {@code failureThreshold} consecutive
 * failed calls the breaker opens: checks routed to the shard do not touch the network and are
 * decided by the rule's {@link FailurePolicy}. After the open period one probe is let through
 * (half-open); its success closes the breaker, its failure reopens it for twice as long, up to
 * {@code maxOpen}. Each open period is drawn uniformly from {@code [d/2, d]} (jitter), so that
 * many instances do not probe a recovering server in lockstep.
 *
 * @param failureThreshold consecutive failures that open the breaker, {@code >= 1}
 * @param initialOpen the first open period, positive
 * @param maxOpen the longest open period, {@code >= initialOpen}
 */
public record BreakerSettings(int failureThreshold, Duration initialOpen, Duration maxOpen) {

  /** Three failures; open 100 ms at first, doubling up to 5 s. */
  public static final BreakerSettings DEFAULTS =
      new BreakerSettings(3, Duration.ofMillis(100), Duration.ofSeconds(5));

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public BreakerSettings {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold " + failureThreshold + " must be >= 1");
    }
    if (initialOpen == null || initialOpen.isNegative() || initialOpen.isZero()) {
      throw new IllegalArgumentException("initialOpen " + initialOpen + " must be positive");
    }
    if (maxOpen == null || maxOpen.compareTo(initialOpen) < 0) {
      throw new IllegalArgumentException(
          "maxOpen " + maxOpen + " must be >= initialOpen " + initialOpen);
    }
  }
}
