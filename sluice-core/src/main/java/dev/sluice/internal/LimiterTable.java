package dev.sluice.internal;

import dev.sluice.Rule;

/** Placeholder replaced by the real table in the next commit. */
public final class LimiterTable {
  public LimiterTable(Rule rule, long maxClients, long graceMicros) {}

  public long size() {
    return 0;
  }

  public void evictExpired() {}
}
