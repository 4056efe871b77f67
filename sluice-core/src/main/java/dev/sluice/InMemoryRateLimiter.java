package dev.sluice;

import dev.sluice.internal.LimiterTable;

final class InMemoryRateLimiter implements RateLimiter {
  private final LimiterTable table;
  private final TimeSource timeSource;

  InMemoryRateLimiter(LimiterTable table, TimeSource timeSource) {
    this.table = table;
    this.timeSource = timeSource;
  }

  @Override public Rule rule() { throw new UnsupportedOperationException(); }
  @Override public TimeSource timeSource() { return timeSource; }
  @Override public Decision check(CharSequence key, long cost, long nowMicros) { throw new UnsupportedOperationException(); }
  @Override public Decision check(long key, long cost, long nowMicros) { throw new UnsupportedOperationException(); }
  @Override public boolean tryAcquire(CharSequence key, long cost, long nowMicros) { throw new UnsupportedOperationException(); }
  @Override public boolean tryAcquire(long key, long cost, long nowMicros) { throw new UnsupportedOperationException(); }
}
