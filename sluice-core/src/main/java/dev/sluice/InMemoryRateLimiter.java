package dev.sluice;

import dev.sluice.internal.KeyHasher;
import dev.sluice.internal.LimiterTable;
import dev.sluice.spi.Checks;

/** A {@link RateLimiter} over one {@link LimiterTable} of an {@link InMemoryEngine}. */
final class InMemoryRateLimiter implements RateLimiter {
  private final LimiterTable table;
  private final KeyHasher hasher;
  private final TimeSource timeSource;

  InMemoryRateLimiter(LimiterTable table, KeyHasher hasher, TimeSource timeSource) {
    this.table = table;
    this.hasher = hasher;
    this.timeSource = timeSource;
  }

  LimiterTable table() {
    return table;
  }

  KeyHasher hasher() {
    return hasher;
  }

  @Override
  public Rule rule() {
    return table.rule();
  }

  @Override
  public TimeSource timeSource() {
    return timeSource;
  }

  @Override
  public Decision check(CharSequence key, long cost, long nowMicros) {
    Checks.key(key);
    return table.check(hasher.hash(key), Checks.cost(cost), Checks.timestamp(nowMicros));
  }

  @Override
  public Decision check(long key, long cost, long nowMicros) {
    return table.check(hasher.hash(key), Checks.cost(cost), Checks.timestamp(nowMicros));
  }

  @Override
  public boolean tryAcquire(CharSequence key, long cost, long nowMicros) {
    Checks.key(key);
    return table.tryAcquire(hasher.hash(key), Checks.cost(cost), Checks.timestamp(nowMicros));
  }

  @Override
  public boolean tryAcquire(long key, long cost, long nowMicros) {
    return table.tryAcquire(hasher.hash(key), Checks.cost(cost), Checks.timestamp(nowMicros));
  }

  @Override
  public String toString() {
    return "InMemoryRateLimiter[" + table.rule().id() + "]";
  }
}
