package dev.sluice.tck;

import java.util.stream.LongStream;

/**
 * The seeds of the model-based tests: {@value #COUNT} consecutive seeds from {@value #BASE}, or
 * only the one given with {@code -Dsluice.tck.seed=N} to replay a failure.
 */
public final class TckSeeds {
  /** The first seed of a normal run. */
  public static final long BASE = 20_250_601L;
  /** How many seeds a normal run tries. */
  public static final int COUNT = 40;

  private TckSeeds() {}

  /** The seeds to run: the one named by {@code sluice.tck.seed}, or the default range. */
  public static LongStream seeds() {
    String one = System.getProperty("sluice.tck.seed");
    if (one != null && !one.isBlank()) {
      return LongStream.of(Long.parseLong(one.trim()));
    }
    return LongStream.range(BASE, BASE + COUNT);
  }
}
