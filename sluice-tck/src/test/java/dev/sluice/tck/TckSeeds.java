package dev.sluice.tck;

import java.util.stream.LongStream;

/**
 * The seeds of the model-based tests: {@value #COUNT} consecutive seeds from {@value #BASE}; only
 * the one given with {@code -Dsluice.tck.seed=N} to replay a failure; or, for a longer soak,
 * {@code -Dsluice.tck.seeds=COUNT} consecutive seeds from {@value #BASE}.
 */
public final class TckSeeds {
  /** The first seed of a normal run. */
  public static final long BASE = 20_250_601L;
  /** How many seeds a normal run tries. */
  public static final int COUNT = 40;

  private TckSeeds() {}

  /** The seeds to run, as the class comment says. */
  public static LongStream seeds() {
    String one = System.getProperty("sluice.tck.seed");
    if (one != null && !one.isBlank()) {
      return LongStream.of(Long.parseLong(one.trim()));
    }
    String count = System.getProperty("sluice.tck.seeds");
    int n = count == null || count.isBlank() ? COUNT : Integer.parseInt(count.trim());
    return LongStream.range(BASE, BASE + n);
  }
}
