package dev.sluice.gateway;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import dev.sluice.gateway.GatewayConfig.Adaptive;
import dev.sluice.gateway.GatewayConfig.Tiers;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The concurrency limit of one upstream with priority admission. The limit follows the
 * upstream's latency through a Netflix concurrency-limits {@link Limit} (Gradient2 by default,
 * or Vegas, or fixed); each response is a sample (a 503, 504 or timeout counts as a drop). A
 * request of tier {@code t} (0 = lowest) is admitted only while in-flight requests are below
 * {@code maxShare(t) × limit}: as load grows the lowest tier hits its ceiling first, the highest
 * last.
 *
 * <p>We use the library's limit algorithms but not its limiters: its partitioned limiter
 * guarantees each partition a share rather than shedding by priority, and shedding the lowest
 * tier first is the point of tiers.
 *
 * <p>Thread-safe.
 */
final class AdaptiveLimiter {
  private final Limit limit;
  private final Tiers tiers;
  private final AtomicInteger inFlight = new AtomicInteger();

  private AdaptiveLimiter(Limit limit, Tiers tiers) {
    this.limit = limit;
    this.tiers = tiers;
  }

  /** A limiter for {@code a}, or null for {@code algorithm: none}. */
  static AdaptiveLimiter create(Adaptive a, Tiers tiers) {
    Limit l = switch (a.algorithm()) {
      case "none" -> null;
      case "fixed" -> FixedLimit.of(a.initialLimit());
      case "vegas" -> VegasLimit.newBuilder().initialLimit(a.initialLimit())
          .maxConcurrency(a.maxLimit()).build();
      case "gradient2" -> Gradient2Limit.newBuilder().initialLimit(a.initialLimit())
          .minLimit(a.minLimit()).maxConcurrency(a.maxLimit()).build();
      default -> throw new IllegalArgumentException("adaptive algorithm '" + a.algorithm()
          + "' is not gradient2, vegas, fixed or none");
    };
    return l == null ? null : new AdaptiveLimiter(l, tiers);
  }

  /**
   * Admits a request of {@code tier} if its share of the limit has room.
   *
   * @return the in-flight count before this request (for the sample), or -1 when shed
   */
  int tryAcquire(int tier) {
    double share = tiers.levels().get(tier).maxShare();
    int ceiling = Math.max(1, (int) Math.floor(share * limit.getLimit()));
    while (true) {
      int now = inFlight.get();
      if (now >= ceiling) {
        return -1;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return now;
      }
    }
  }

  /** The request admitted at {@code startNanos} ended after {@code rttNanos}. */
  void release(long startNanos, long rttNanos, int inFlightAtStart, boolean dropped) {
    inFlight.decrementAndGet();
    limit.onSample(startNanos, rttNanos, inFlightAtStart + 1, dropped);
  }

  /**
   * A request admitted earlier ended without a sample (its client hung up): it leaves the
   * in-flight count and tells the limit nothing, as concurrency-limits' {@code onIgnore} does.
   */
  void abandon() {
    inFlight.decrementAndGet();
  }

  /** The limit now. */
  int limit() {
    return limit.getLimit();
  }

  /** Requests admitted and not ended. */
  int inFlight() {
    return inFlight.get();
  }
}
