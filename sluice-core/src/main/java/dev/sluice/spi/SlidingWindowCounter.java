package dev.sluice.spi;

/**
 * The sliding window counter's arithmetic (see {@code docs/algorithms.md}) for an engine that
 * keeps its own counts, so that every engine answers "when is this request admitted" alike.
 * Stateless.
 */
public final class SlidingWindowCounter {
  private SlidingWindowCounter() {}

  /**
   * When a request of {@code cost} permits is next admitted, if no other request comes: the
   * current window began at {@code start} and holds {@code current} permits, the one before holds
   * {@code previous}, of a limit of {@code permits} per {@code window} microseconds. Within this
   * window once enough of the previous window's weight has slid out, else in the next window, or
   * at the start of the one after when the current count is above the limit (an engine that
   * admits on shares of the limit may hold more).
   *
   * @param start the current window's start, in microseconds
   * @param window the window, in microseconds, with {@code 3 * permits * window} within a long
   * @param permits the limit's permits
   * @param current the permits counted in the current window
   * @param previous the permits counted in the previous window
   * @param cost the request's cost, at most {@code permits}
   * @return the time it is admitted at, in microseconds
   */
  public static long allowedAt(long start, long window, long permits, long current,
      long previous, long cost) {
    long spare = permits - current - cost;
    if (spare >= 0 && previous > 0) {
      long at = window - Math.floorDiv(spare * window, previous);
      if (at < window) {
        return start + at;
      }
    }
    if (current == 0) {
      return start + window;
    }
    if (current > permits) {
      return start + 2 * window;
    }
    return start + window
        + Math.max(0, window - Math.floorDiv((permits - cost) * window, current));
  }
}
