package dev.sluice.gateway.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The usable host with the lowest score; ties go to the first such host after a rotating start,
 * so equal hosts share the load instead of the first taking it all.
 */
final class LeastLoaded implements Balancer {
  /** What "least loaded" means. */
  enum Score {
    /** In-flight requests. */
    CONNECTIONS,
    /** {@code (in-flight + 1) / effective weight}. */
    WEIGHTED_CONNECTIONS,
    /**
     * {@code EWMA latency × (in-flight + 1)}: the expected wait behind the queue; a host with no
     * sample yet scores 0, so it is tried.
     */
    RESPONSE_TIME
  }

  private final LongSupplier clock;
  private final Score score;
  private final AtomicInteger start = new AtomicInteger();

  LeastLoaded(LongSupplier clock, Score score) {
    this.clock = clock;
    this.score = score;
  }

  @Override
  public UpstreamHost pick(List<UpstreamHost> usable, String hashKey) {
    Checks.nonEmpty(usable);
    long now = clock.getAsLong();
    int n = usable.size();
    int first = Math.floorMod(start.getAndIncrement(), n);
    UpstreamHost best = null;
    double bestScore = Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      UpstreamHost h = usable.get((first + i) % n);
      double s = score(h, now);
      if (s < bestScore) {
        best = h;
        bestScore = s;
      }
    }
    return best;
  }

  double score(UpstreamHost h, long now) {
    return switch (score) {
      case CONNECTIONS -> h.inFlight();
      case WEIGHTED_CONNECTIONS -> (h.inFlight() + 1) / h.effectiveWeight(now);
      case RESPONSE_TIME -> (double) h.latencyEwmaNanos() * (h.inFlight() + 1);
    };
  }
}
