package dev.sluice.tck;

import static dev.sluice.tck.ConformanceFixture.micros;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.tck.model.RuleModel;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One seeded random run: a random rule of one to three limits, one to five clients, and a
 * sequence of requests whose timestamps mostly move forward, sometimes stand still and sometimes
 * run back by less than a second (never more than {@link #MAX_BACKWARDS} behind the newest
 * timestamp sent, so that eviction with the default grace changes no decision). Every decision
 * of the engine is compared, field by field, with {@link RuleModel}'s.
 */
public final class RandomRun {
  /** How far behind the newest timestamp a request may be: less than the default grace. */
  public static final long MAX_BACKWARDS = 999_999;

  private static final long MAX_WINDOW_MICROS = Limit.MAX_WINDOW.toNanos() / 1_000;
  private static final int HISTORY = 30;

  private final long seed;
  private final SplittableRandom random;
  private final Rule rule;
  private final int clients;
  private final long tempo;
  private final long shortestWindow;
  private final long longestWindow;
  private final long largestPermits;

  /** A run of the given seed; the same seed always makes the same rule and requests. */
  public RandomRun(long seed) {
    this(seed, null, List.of(Algorithm.values()));
  }

  /**
   * A run of the given seed whose random rule uses only {@code algorithms} (in declaration
   * order; all five make the same rule as {@link #RandomRun(long)}).
   */
  public RandomRun(long seed, List<Algorithm> algorithms) {
    this(seed, null, algorithms);
  }

  /**
   * A run of random requests against a given rule, or a random one if {@code rule} is null; the
   * same seed and rule always make the same requests.
   */
  public RandomRun(long seed, Rule rule) {
    this(seed, rule, List.of(Algorithm.values()));
  }

  private RandomRun(long seed, Rule rule, List<Algorithm> algorithms) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    if (rule == null) {
      int limits = random.nextInt(10) < 5 ? 1 : random.nextInt(10) < 6 ? 2 : 3;
      List<Limit> drawn = new ArrayList<>();
      for (int i = 0; i < limits; i++) {
        drawn.add(randomLimit(random, algorithms));
      }
      rule = new Rule("random-" + seed, drawn);
    }
    this.rule = rule;
    List<Limit> list = rule.limits();
    this.clients = random.nextInt(1, 6);
    long interval = Long.MAX_VALUE;
    long shortest = Long.MAX_VALUE;
    long longest = 1;
    long largest = 1;
    for (Limit l : list) {
      shortest = Math.min(shortest, l.windowMicros());
      longest = Math.max(longest, l.windowMicros());
      largest = Math.max(largest, Math.max(l.permits(), l.burst()));
      if (l.permits() > 0) {
        interval = Math.min(interval, l.windowMicros() / l.permits());
      }
    }
    this.tempo = Math.max(1, Math.min(interval, shortest));
    this.shortestWindow = shortest;
    this.longestWindow = longest;
    this.largestPermits = largest;
  }

  /** The rule of this run. */
  public Rule rule() {
    return rule;
  }

  /**
   * Sends {@code requests} random requests to {@code engine}, running {@code afterEach} after
   * each, and fails with the seed, the rule and the last requests at the first decision that
   * differs from the model's.
   */
  public void run(RateLimiterEngine engine, int requests, Runnable afterEach) {
    run(engine, requests, afterEach, MAX_BACKWARDS);
  }

  /**
   * As {@link #run(RateLimiterEngine, int, Runnable)}, with requests at most
   * {@code maxBackwards} microseconds behind the newest timestamp sent (for an engine whose
   * eviction grace is shorter than the default).
   */
  public void run(RateLimiterEngine engine, int requests, Runnable afterEach,
      long maxBackwards) {
    RateLimiter limiter = engine.limiter(rule);
    RuleModel model = new RuleModel(rule);
    List<Deque<String>> histories = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      histories.add(new ArrayDeque<>());
    }
    long t = randomStart();
    long newest = t;
    for (int i = 0; i < requests; i++) {
      t = Math.min(Limit.MAX_TIME, Math.max(0, Math.max(t + randomStep(t, maxBackwards),
          newest - maxBackwards)));
      newest = Math.max(newest, t);
      int client = random.nextInt(clients);
      boolean numericKey = random.nextBoolean();
      long cost = randomCost();
      boolean full = random.nextInt(10) < 7;
      Decision expected = model.check(String.valueOf(client), cost, t);
      Deque<String> history = histories.get(client);
      String request = String.format("#%d %s(%s, %d, %d)", i, full ? "check" : "tryAcquire",
          numericKey ? client + "L" : "\"" + client + "\"", cost, t);
      if (full) {
        Decision actual = numericKey ? limiter.check(client, cost, t)
            : limiter.check(String.valueOf(client), cost, t);
        if (!actual.equals(expected)) {
          throw new AssertionError(failure(request, expected, actual, history));
        }
      } else {
        boolean actual = numericKey ? limiter.tryAcquire(client, cost, t)
            : limiter.tryAcquire(String.valueOf(client), cost, t);
        if (actual != expected.allowed()) {
          throw new AssertionError(failure(request, expected, actual, history));
        }
      }
      history.addLast(request + " -> " + expected);
      if (history.size() > HISTORY) {
        history.removeFirst();
      }
      afterEach.run();
    }
  }

  private String failure(String request, Decision expected, Object actual, Deque<String> history) {
    StringBuilder sb = new StringBuilder()
        .append("seed ").append(seed).append(" (replay with -Dsluice.tck.seed=").append(seed)
        .append("): engine differs from the model of docs/algorithms.md\n")
        .append("rule: ").append(rule).append('\n')
        .append("the client's last requests (other clients share no state), with the model's ")
        .append("decisions:\n");
    history.forEach(h -> sb.append("  ").append(h).append('\n'));
    return sb.append("  ").append(request).append('\n')
        .append("expected: ").append(expected).append('\n')
        .append("actual:   ").append(actual).toString();
  }

  private long randomStart() {
    return switch (random.nextInt(10)) {
      case 0, 1 -> random.nextLong(0, 100);
      case 2 -> Limit.MAX_TIME - random.nextLong(0, 1L << 40);
      default -> random.nextLong(0, 1L << 51);
    };
  }

  private long randomStep(long t, long maxBackwards) {
    int k = random.nextInt(100);
    if (k < 12) {
      return 0;
    } else if (k < 45) {
      return random.nextLong(0, 2 * tempo + 1);
    } else if (k < 62) {
      return random.nextLong(0, shortestWindow + 1);
    } else if (k < 70) {
      return random.nextLong(0, 2 * longestWindow + 1);
    } else if (k < 72) {
      return random.nextLong(0, 5 * longestWindow + 1);
    } else if (k < 78) {
      // Exactly one window of some limit later: the sliding log's "t - W" boundary.
      return randomWindow();
    } else if (k < 84) {
      // Onto the next epoch-aligned window boundary of some limit, or one microsecond before it.
      long w = randomWindow();
      return Math.floorDiv(t, w) * w + w - t - random.nextInt(2);
    } else if (k < 95) {
      return -random.nextLong(1, Math.max(1, Math.min(3 * tempo, maxBackwards)) + 1);
    } else {
      return -random.nextLong(1, Math.max(1, maxBackwards) + 1);
    }
  }

  private long randomWindow() {
    return rule.limits().get(random.nextInt(rule.limits().size())).windowMicros();
  }

  private long randomCost() {
    int k = random.nextInt(100);
    if (k < 80) {
      return 1;
    } else if (k < 95) {
      return random.nextLong(2, 6);
    }
    return random.nextLong(1, 2 * largestPermits + 3);
  }

  /**
   * A random valid limit: any of {@code algorithms}, usually 0 to 20 permits, sometimes
   * millions, rarely up to {@link Limit#MAX_PERMITS}; windows from 1us to seconds, rarely up to
   * {@link Limit#MAX_WINDOW}.
   */
  static Limit randomLimit(SplittableRandom random, List<Algorithm> algorithms) {
    while (true) {
      Algorithm algorithm = algorithms.get(random.nextInt(algorithms.size()));
      int p = random.nextInt(100);
      long permits = p < 4 ? 0
          : p < 6 ? random.nextLong(1, Limit.MAX_PERMITS + 1)
          : p < 14 ? random.nextLong(21, 2_000_001)
          : random.nextLong(1, 21);
      long window = switch (random.nextInt(9)) {
        case 0, 1 -> random.nextLong(1, 20);
        case 2, 3 -> random.nextLong(20, 5_000);
        case 4, 5 -> random.nextLong(5_000, 1_000_000);
        case 6, 7 -> random.nextLong(1_000_000, 5_000_000);
        default -> random.nextLong(5_000_000, MAX_WINDOW_MICROS + 1);
      };
      try {
        Limit limit = Limit.of(algorithm, permits, micros(window));
        boolean bursty = algorithm == Algorithm.TOKEN_BUCKET || algorithm == Algorithm.GCRA;
        if (bursty && permits > 0 && random.nextInt(3) == 0) {
          limit = limit.withBurst(random.nextLong(1, 2 * Math.min(permits, 50) + 3));
        }
        if (withinExactArithmetic(limit)) {
          return limit;
        }
      } catch (IllegalArgumentException tooLarge) {
        // Products beyond 2^61: draw again.
      }
    }
  }

  /**
   * Whether the products docs/algorithms.md bounds by 2^61 stay below it: {@code N * W} for the
   * sliding window counter, {@code B * w} (w = W / gcd(N, W)) for the token bucket and GCRA.
   * {@link Limit} should reject every limit for which this is false; this check does not rely
   * on it.
   */
  static boolean withinExactArithmetic(Limit limit) {
    BigInteger n = BigInteger.valueOf(limit.permits());
    BigInteger w = BigInteger.valueOf(limit.windowMicros());
    BigInteger product = switch (limit.algorithm()) {
      case SLIDING_WINDOW_COUNTER -> n.multiply(w);
      case TOKEN_BUCKET, GCRA -> limit.permits() == 0 ? BigInteger.ZERO
          : BigInteger.valueOf(limit.burst()).multiply(w.divide(n.gcd(w)));
      default -> BigInteger.ZERO;
    };
    return product.compareTo(BigInteger.ONE.shiftLeft(61)) < 0;
  }
}
