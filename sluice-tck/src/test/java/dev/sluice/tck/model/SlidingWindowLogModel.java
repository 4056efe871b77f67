package dev.sluice.tck.model;

import static dev.sluice.Decision.NEVER;

import java.util.ArrayList;
import java.util.List;

/**
 * Sliding window log: the exact list of grants, oldest first.
 *
 * @param permits N
 * @param window W in microseconds
 * @param grants the grants kept, oldest first; the newest one's time is the reference time
 */
public record SlidingWindowLogModel(long permits, long window, List<Grant> grants)
    implements LimitModel {

  /** Permits granted at one instant. */
  public record Grant(long time, long count) {}

  static SlidingWindowLogModel initial(long permits, long window) {
    return new SlidingWindowLogModel(permits, window, List.of());
  }

  @Override
  public Step step(long t, long cost) {
    if (permits == 0) {
      return Step.blocked(this);
    }
    long newest = grants.isEmpty() ? t : grants.getLast().time();
    long effective = Math.max(t, newest);
    // A grant at exactly effective - W no longer counts.
    List<Grant> inWindow = grants.stream().filter(g -> g.time() > effective - window).toList();
    long used = inWindow.stream().mapToLong(Grant::count).sum();
    if (cost <= permits - used) {
      List<Grant> kept = new ArrayList<>(inWindow);
      if (!kept.isEmpty() && kept.getLast().time() == effective) {
        kept.set(kept.size() - 1, new Grant(effective, kept.getLast().count() + cost));
      } else {
        kept.add(new Grant(effective, cost));
      }
      return Step.allowed(permits - used - cost, effective + window,
          new SlidingWindowLogModel(permits, window, List.copyOf(kept)));
    }
    long resetAt = used > 0 ? newest + window : effective;
    if (cost > permits) {
      return Step.denied(permits - used, resetAt, NEVER, this);
    }
    // Drop the oldest grants of the window one by one until the request fits.
    long left = used;
    for (Grant g : inWindow) {
      left -= g.count();
      if (left + cost <= permits) {
        return Step.denied(permits - used, resetAt, g.time() + window - t, this);
      }
    }
    throw new AssertionError("cost " + cost + " <= " + permits + " fits an empty window");
  }
}
