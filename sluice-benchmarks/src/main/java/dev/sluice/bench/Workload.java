package dev.sluice.bench;

import dev.sluice.Limit;
import dev.sluice.Rule;
import java.time.Duration;

/**
 * The per-client limit shared by the many-clients benchmarks and {@link HeapPerClient}.
 *
 * <p>1,000 permits per day (a token bucket of burst 1,000): a consumed token takes 86.4 s to come
 * back, longer than a whole benchmark trial, so no client's state returns to its initial value
 * during a run and none is evicted. The table therefore really holds every client for the whole
 * measurement, and nearly every check is admitted (a client would need 1,000 checks in a day to be
 * denied). A shorter window would measure eviction and re-insertion churn instead of lookups in a
 * table of N clients.
 */
final class Workload {
  private Workload() {}

  static final long PERMITS = 1_000;
  static final Duration WINDOW = Duration.ofDays(1);

  static Rule rule() {
    return Rule.of("per-client", Limit.tokenBucket(PERMITS, WINDOW));
  }

  /**
   * {@code n} distinct client keys, the same for a given {@code n} in every run and every JVM:
   * {@code "client-"} followed by a scrambled index in base 36 (as an API key or user id would
   * look), so that neighbouring indices do not produce neighbouring strings.
   */
  static String[] stringKeys(int n) {
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      keys[i] = "client-" + Long.toString(scramble(i), 36);
    }
    return keys;
  }

  /** A bijection on longs (SplitMix64's finaliser), so distinct indices give distinct keys. */
  static long scramble(long i) {
    long z = i * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (z ^ (z >>> 31)) >>> 1;
  }
}
