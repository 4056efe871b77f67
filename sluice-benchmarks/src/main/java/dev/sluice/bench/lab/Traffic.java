package dev.sluice.bench.lab;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The traffic patterns of the accuracy lab: for every millisecond tick of simulated time, how many
 * requests each key receives (Poisson, from the pattern's rate at that time). Rates are requests
 * per second per key; {@code limitRate} is the limit expressed the same way.
 */
enum Traffic {
  /** Every key at twice its limit, all the time. */
  UNIFORM,
  /** Each key alternates between on (5x its limit, mean 5 s) and off (silent, mean 10 s). */
  BURSTY,
  /**
   * Key popularity follows Zipf (s = 1.1) over the keys; the whole traffic is the keys' limits
   * summed, so the head is far above its limit and the tail far below.
   */
  ZIPF,
  /** Every key at half its limit, then from a third of the run on at ten times its limit. */
  SURGE;

  /** A generator of this pattern's arrivals. */
  Source source(int keys, double limitRate, long durationMicros, SplittableRandom random) {
    return new Source(this, keys, limitRate, durationMicros, random);
  }

  /** The arrivals of one run; not thread-safe. */
  static final class Source {
    private final Traffic pattern;
    private final double limitRate;
    private final long duration;
    private final SplittableRandom random;
    private final double[] zipfRate;
    private final boolean[] on;
    private final long[] switchAt;

    Source(Traffic pattern, int keys, double limitRate, long duration, SplittableRandom random) {
      this.pattern = pattern;
      this.limitRate = limitRate;
      this.duration = duration;
      this.random = random;
      this.zipfRate = new double[keys];
      double h = 0;
      for (int k = 0; k < keys; k++) {
        h += 1 / Math.pow(k + 1, 1.1);
      }
      for (int k = 0; k < keys; k++) {
        zipfRate[k] = limitRate * keys / Math.pow(k + 1, 1.1) / h;
      }
      on = new boolean[keys];
      switchAt = new long[keys];
      for (int k = 0; k < keys; k++) {
        on[k] = random.nextBoolean();
        switchAt[k] = exponential(on[k] ? 5e6 : 10e6);
      }
    }

    private long exponential(double meanMicros) {
      return (long) (-meanMicros * Math.log(1 - random.nextDouble()));
    }

    /** The rate of key {@code k} at {@code t} (microseconds since the run began). */
    double rate(int k, long t) {
      return switch (pattern) {
        case UNIFORM -> 2 * limitRate;
        case BURSTY -> {
          while (t >= switchAt[k]) {
            on[k] = !on[k];
            switchAt[k] += exponential(on[k] ? 5e6 : 10e6);
          }
          yield on[k] ? 5 * limitRate : 0;
        }
        case ZIPF -> zipfRate[k];
        case SURGE -> t < duration / 3 ? 0.5 * limitRate : 10 * limitRate;
      };
    }

    /** Requests for key {@code k} in the tick starting at {@code t} of {@code tickMicros}. */
    int arrivals(int k, long t, long tickMicros) {
      double mean = rate(k, t) * tickMicros / 1e6;
      return poisson(mean);
    }

    private int poisson(double mean) {
      if (mean <= 0) {
        return 0;
      }
      if (mean > 30) {
        return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian()));
      }
      double l = Math.exp(-mean);
      int k = 0;
      double p = 1;
      do {
        k++;
        p *= random.nextDouble();
      } while (p > l);
      return k - 1;
    }

    private double gaussian() {
      double u = 1 - random.nextDouble();
      double v = random.nextDouble();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    @Override
    public String toString() {
      return pattern + Arrays.toString(new double[] {limitRate});
    }
  }
}
