package dev.sluice.grpc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * ERL's per-rule counters on a Micrometer registry: {@code ratelimit.service.rate_limit.STAT}
 * with tags {@code domain} and {@code key} (ERL's stats key below the domain, such as
 * {@code message_type_marketing.to_number}). Request values appear in {@code key} only for
 * descriptors with {@code detailed_metric} or {@code value_to_metric}, so cardinality stays
 * bounded by the configuration.
 *
 * <p>The counting follows ERL's {@code base_limiter}: of a request's hits, those past the limit
 * count as {@code over_limit}, those between {@code floor(limit * ratio)} and the limit as
 * {@code near_limit}.
 *
 * <p>Thread-safe.
 */
final class RlsMetrics {
  private static final String PREFIX = "ratelimit.service.rate_limit.";

  private final MeterRegistry registry;
  private final double nearLimitRatio;

  RlsMetrics(MeterRegistry registry, double nearLimitRatio) {
    this.registry = registry;
    this.nearLimitRatio = nearLimitRatio;
  }

  private void add(String stat, String domain, String key, long n) {
    if (n > 0) {
      Counter.builder(PREFIX + stat).tag("domain", domain).tag("key", key)
          .register(registry).increment(n);
    }
  }

  /** An unlimited descriptor's hits: all within the limit. */
  void unlimited(String domain, String key, long hits) {
    add("total_hits", domain, key, hits);
    add("within_limit", domain, key, hits);
  }

  /**
   * A limited descriptor's hits.
   *
   * @param limit the limit's permits
   * @param before the permits used before the request
   * @param over whether the request was over the limit
   * @param shadow whether shadow mode turned an over-limit answer into OK
   */
  void limited(String domain, String key, long hits, long limit, long before, boolean over,
      boolean shadow) {
    long after = before + hits;
    long near = (long) Math.floor(limit * nearLimitRatio);
    add("total_hits", domain, key, hits);
    if (over) {
      if (before >= limit || after <= limit) {
        add("over_limit", domain, key, hits);
      } else {
        add("over_limit", domain, key, after - limit);
        add("near_limit", domain, key, limit - Math.max(near, before));
      }
      if (shadow) {
        add("shadow_mode", domain, key, hits);
      }
    } else {
      if (after > near) {
        add("near_limit", domain, key, before >= near ? hits : after - near);
      }
      add("within_limit", domain, key, hits);
    }
  }

  /** A decision that a failure policy made because the engine's backend was unreachable. */
  void degraded(String domain) {
    Counter.builder("sluice.rls.degraded").tag("domain", domain).register(registry).increment();
  }
}
