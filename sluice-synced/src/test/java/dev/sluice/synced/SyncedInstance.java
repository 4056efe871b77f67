package dev.sluice.synced;

import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A synced instance in a process of its own, for {@link SeparateProcessSyncTest}: waits until the
 * given start time (epoch milliseconds), hammers one hot key for 1.5 s, syncs a last time and
 * prints {@code ADMITTED <window start>=<count> ...}.
 *
 * <p>Arguments: Redis URI, key prefix, instance id, expected instances, start time.
 */
public final class SyncedInstance {
  private SyncedInstance() {}

  /** The rule every process uses. */
  static final Rule RULE = Rule.of("procs", Limit.fixedWindow(600, Duration.ofMinutes(1)));

  public static void main(String[] args) throws Exception {
    SyncedEngine e = SyncedEngine.builder(Topology.standalone(args[0])).keyPrefix(args[1])
        .instanceId(args[2]).expectedInstances(Integer.parseInt(args[3]))
        .syncInterval(Duration.ofMillis(50)).commandTimeout(Duration.ofSeconds(2)).build();
    RateLimiter l = e.limiter(RULE);
    TimeSource clock = TimeSource.system();
    long start = Long.parseLong(args[4]);
    while (System.currentTimeMillis() < start) {
      Thread.sleep(1);
    }
    Map<Long, Long> admitted = new TreeMap<>();
    long end = System.nanoTime() + 1_500_000_000L;
    while (System.nanoTime() < end) {
      long now = clock.nowMicros();
      if (l.tryAcquire("hot", 1, now)) {
        admitted.merge(now - now % 60_000_000, 1L, Long::sum);
      }
    }
    boolean synced = e.syncNow();
    StringBuilder b = new StringBuilder("ADMITTED");
    admitted.forEach((w, n) -> b.append(' ').append(w).append('=').append(n));
    System.out.println(b.append(synced ? "" : " UNSYNCED"));
    System.out.flush();
    e.close();
  }
}
