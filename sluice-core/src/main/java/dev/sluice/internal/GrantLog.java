package dev.sluice.internal;

/**
 * The grants of one client under one sliding-window-log limit: a ring of {@code (time, cumulative
 * count)} pairs in one {@code long[]}, oldest first, equal times merged into one entry.
 *
 * <p>Cumulative counts make "permits granted after time x" one binary search, whatever the number
 * of entries. Cost: 16 bytes per distinct grant time inside the window, plus about 56 bytes of
 * object and array headers; the ring starts at 4 entries and doubles when full. Not thread-safe:
 * guarded by the table segment's lock.
 */
final class GrantLog {
  private static final long REBASE_AT = 1L << 62;

  private long[] ring = new long[8];
  private int mask = 3;
  private int head;
  private int size;
  /** Cumulative count of everything already dropped from the front. */
  private long base;

  boolean isEmpty() {
    return size == 0;
  }

  private long time(int i) {
    return ring[((head + i) & mask) << 1];
  }

  private long cum(int i) {
    return ring[(((head + i) & mask) << 1) + 1];
  }

  private long cumBefore(int i) {
    return i == 0 ? base : cum(i - 1);
  }

  /** Time of the newest grant, or {@link Meter#ABSENT} when there is none. */
  long newest() {
    return size == 0 ? Meter.ABSENT : time(size - 1);
  }

  /** Index of the first entry whose time is after {@code boundary} ({@code size} if none). */
  private int firstAfter(long boundary) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (time(mid) > boundary) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** Permits granted at times after {@code boundary}. */
  long countAfter(long boundary) {
    return cumBefore(size) - cumBefore(firstAfter(boundary));
  }

  /**
   * The time of the grant at which the permits granted after {@code boundary}, counted oldest
   * first, reach {@code need}; {@code need} is at most {@link #countAfter}.
   */
  long timeReaching(long boundary, long need) {
    long target = cumBefore(firstAfter(boundary)) + need;
    int lo = firstAfter(boundary);
    int hi = size - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cum(mid) >= target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return time(lo);
  }

  /** Forgets every grant at or before {@code boundary}. */
  void dropUpTo(long boundary) {
    int k = firstAfter(boundary);
    if (k > 0) {
      base = cum(k - 1);
      head = (head + k) & mask;
      size -= k;
    }
  }

  /** Records {@code count} permits granted at {@code time}, not before the newest grant. */
  void add(long time, long count) {
    long total = cumBefore(size);
    if (total >= REBASE_AT) {
      rebase();
      total = cumBefore(size);
    }
    if (size > 0 && time(size - 1) == time) {
      ring[(((head + size - 1) & mask) << 1) + 1] = total + count;
      return;
    }
    if (size == mask + 1) {
      grow();
    }
    int slot = ((head + size) & mask) << 1;
    ring[slot] = time;
    ring[slot + 1] = total + count;
    size++;
  }

  private void grow() {
    long[] bigger = new long[ring.length * 2];
    for (int i = 0; i < size; i++) {
      bigger[i << 1] = time(i);
      bigger[(i << 1) + 1] = cum(i);
    }
    ring = bigger;
    mask = (bigger.length >> 1) - 1;
    head = 0;
  }

  private void rebase() {
    for (int i = 0; i < size; i++) {
      ring[(((head + i) & mask) << 1) + 1] -= base;
    }
    base = 0;
  }
}
