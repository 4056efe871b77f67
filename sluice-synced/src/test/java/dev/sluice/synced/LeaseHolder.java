package dev.sluice.synced;

import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.redis.Topology;
import java.time.Duration;

/**
 * A leased instance in a process of its own, for {@link LeaseCrashTest}: takes a lease on one key,
 * spends part of it, reports, prints {@code HOLDING spent=S held=H} and waits to be killed.
 *
 * <p>Arguments: Redis URI, key prefix, lease time to live in milliseconds, permits to spend after
 * the lease is large enough.
 */
public final class LeaseHolder {
  private LeaseHolder() {}

  /** The rule both processes use: 1,000 a day, so that its window does not turn during a test. */
  static final Rule RULE = Rule.of("crash", Limit.fixedWindow(1_000, Duration.ofDays(1)));

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String prefix = args[1];
    Duration ttl = Duration.ofMillis(Long.parseLong(args[2]));
    int spend = Integer.parseInt(args[3]);
    LeasedEngine e = LeasedEngine.builder(Topology.standalone(uri)).keyPrefix(prefix)
        .instanceId("holder").syncInterval(Duration.ofMillis(100)).leaseTtl(ttl)
        .maxLeaseFraction(1.0).commandTimeout(Duration.ofSeconds(2)).autoSync(false).build();
    RateLimiter l = e.limiter(RULE);
    long spent = 0;
    long deadline = System.nanoTime() + 20_000_000_000L;
    // Demand until the lease is large: denials count as demand, and the lease follows it.
    while (e.stats().leasedPermits() < spend + 50) {
      if (System.nanoTime() > deadline) {
        System.out.println("FAILED to get a lease: " + e.stats());
        System.exit(2);
      }
      for (int i = 0; i < 200; i++) {
        if (l.tryAcquire("k")) {
          spent++;
        }
      }
      e.syncNow();
    }
    for (int i = 0; i < spend; i++) {
      if (!l.tryAcquire("k")) {
        System.out.println("FAILED to spend: " + e.stats());
        System.exit(3);
      }
      spent++;
    }
    if (!e.syncNow()) {
      System.out.println("FAILED to report: " + e.stats());
      System.exit(4);
    }
    System.out.println("HOLDING spent=" + spent + " held=" + e.stats().leasedPermits());
    System.out.flush();
    Thread.sleep(600_000);
  }
}
