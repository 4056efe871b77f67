package dev.sluice.bench.lab;

import dev.sluice.InMemoryEngine;
import dev.sluice.Limit;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.synced.LeasedEngine;
import dev.sluice.synced.SyncedEngine;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The accuracy lab: drives several synced-engine instances with simulated traffic against one
 * real redis-server and measures them against an exact single counter (the in-memory engine
 * deciding the same requests in order, which is what {@code engine.type: redis} decides), then
 * measures the sliding window counter against the exact sliding log on one trace. Time is a
 * {@link ManualTimeSource}: a run of simulated minutes takes seconds and every figure is
 * reproducible from its seed (Redis is real; only the clock is simulated).
 *
 * <pre>
 *   java -cp sluice-benchmarks/target/benchmarks.jar dev.sluice.bench.lab.AccuracyLab \
 *       [--quick] [--img docs/img] [--seed 1]
 * </pre>
 *
 * <p>Prints Markdown tables (docs/distributed.md holds a copy) and writes PNG plots with XChart.
 * A progress line on stderr shows the run and how much of its simulated time is done. Starts its
 * own redis-server (from PATH, else the binary the test kit embeds) on a free port.
 */
public final class AccuracyLab {
  private static final long START = 1_800_000_000_000_000L / 3_600_000_000L * 3_600_000_000L;
  private static final long TICK = 1_000;
  private static final java.util.concurrent.atomic.AtomicLong RUNS =
      new java.util.concurrent.atomic.AtomicLong();

  private AccuracyLab() {}

  /**
   * One run.
   *
   * @param traffic the pattern
   * @param instances synced instances behind a random load balancer
   * @param sync the sync interval
   * @param limit the limit of every key
   * @param keys how many keys
   * @param minutes simulated minutes
   * @param demandScale multiplies the pattern's rates
   * @param byDemand whether shares follow reported demand (false: equal shares)
   * @param seed the random seed of arrivals, instance choice and sync phases
   */
  record Setup(Mode mode, Traffic traffic, int instances, Duration sync, Limit limit, int keys,
      int minutes, double demandScale, boolean byDemand, long seed) {
    Setup(Traffic traffic, int instances, Duration sync, Limit limit, int keys, int minutes,
        double demandScale, boolean byDemand, long seed) {
      this(Mode.SYNCED, traffic, instances, sync, limit, keys, minutes, demandScale, byDemand,
          seed);
    }

    String label() {
      return String.format(Locale.ROOT, "%s%s %dx %s %s%s", mode == Mode.LEASED ? "leased " : "",
          traffic.name().toLowerCase(Locale.ROOT), instances, human(sync), limit,
          byDemand ? " demand-shares" : "");
    }

    Setup leased() {
      return new Setup(Mode.LEASED, traffic, instances, sync, limit, keys, minutes, demandScale,
          false, seed);
    }
  }

  /** Which engine the instances run. */
  enum Mode {
    /** engine.type synced: counts synced every interval, hot keys held to shares. */
    SYNCED,
    /** engine.type leased: leases from central pools, renewed every interval. */
    LEASED
  }

  /**
   * One instance of the cluster under test, whichever engine it runs: its limiter, its round
   * (a sync or a lease round), its Redis command count, and its engine to close.
   */
  private record Instance(RateLimiter limiter, Runnable sync, LongSupplier commands,
      RateLimiterEngine engine) implements AutoCloseable {
    @Override
    public void close() {
      engine.close();
    }

    static Instance of(Setup s, String uri, String prefix, int i, ManualTimeSource clock,
        Rule rule) {
      if (s.mode() == Mode.LEASED) {
        LeasedEngine e = LeasedEngine.builder(Topology.standalone(uri)).timeSource(clock)
            .keyPrefix(prefix).instanceId("i" + i).syncInterval(s.sync())
            .commandTimeout(Duration.ofSeconds(5)).autoSync(false).build();
        return new Instance(e.limiter(rule), e::syncNow, () -> e.stats().commandsSent(), e);
      }
      SyncedEngine e = SyncedEngine.builder(Topology.standalone(uri)).timeSource(clock)
          .keyPrefix(prefix).instanceId("i" + i).syncInterval(s.sync())
          .expectedInstances(s.instances()).sharesByDemand(s.byDemand())
          .commandTimeout(Duration.ofSeconds(5)).autoSync(false).build();
      return new Instance(e.limiter(rule), e::syncNow, () -> e.stats().commandsSent(), e);
    }
  }


  /**
   * What a run measured. Over- and under-admission are per (key, window) with demand at least
   * the limit, against the exact counter, in % of the limit.
   */
  record Result(Setup setup, long checks, long windows, long saturated, double meanOver,
      double worstOver, double meanUnder, double worstUnder, double wrongPercent,
      double wrongOnHistoryPercent, double commandsPerCheck, double[] syncedPerSecond,
      double[] exactPerSecond, long admitted, long exactAdmitted) {}

  public static void main(String[] args) throws IOException {
    boolean quick = false;
    boolean targetsOnly = false;
    boolean costOnly = false;
    boolean slidingOnly = false;
    boolean leasedOnly = false;
    Path img = Path.of("docs/img");
    long seed = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--img" -> img = Path.of(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--targets-only" -> targetsOnly = true;
        case "--cost-only" -> costOnly = true;
        case "--sliding-only" -> slidingOnly = true;
        case "--leased-only" -> leasedOnly = true;
        default -> throw new IllegalArgumentException("unknown argument '" + args[i]
            + "': expected --quick, --img DIR, --seed N, --targets-only, --cost-only, "
            + "--sliding-only, --leased-only");
      }
    }
    Files.createDirectories(img);
    PrintStream out = System.out;
    int minutes = quick ? 3 : 10;
    Limit fixed = Limit.fixedWindow(1_000, Duration.ofMinutes(1));
    Limit sliding = Limit.slidingWindowCounter(1_000, Duration.ofMinutes(1));
    if (slidingOnly) {
      SlidingComparison.run(out, img, quick, seed);
      return;
    }
    try (RedisProcess redis = RedisServers.standalone()) {
      String uri = redis.uri();
      if (costOnly) {
        header(out);
        row(out, cost(uri, quick, seed, fixed));
        row(out, cost(uri, quick, seed, fixed, Mode.LEASED));
        return;
      }
      if (leasedOnly) {
        leased(out, img, uri, minutes, seed, quick);
        return;
      }
      out.println("# Sluice accuracy lab (seed " + seed + ", redis-server " + RedisServers.version()
          + ", " + minutes + " simulated minutes per run)");
      out.println();
      out.println("## Targets: 10 instances, 1,000/min per key, 20 keys");
      out.println();
      header(out);
      List<Result> targets = new ArrayList<>();
      for (Limit l : List.of(fixed, sliding)) {
        for (Duration d : List.of(Duration.ofSeconds(1), Duration.ofMillis(100))) {
          for (Traffic t : Traffic.values()) {
            Result r = run(new Setup(t, 10, d, l, 20, minutes, 1, false, seed), uri);
            targets.add(r);
            row(out, r);
          }
        }
      }
      for (Traffic t : List.of(Traffic.UNIFORM, Traffic.ZIPF)) {
        row(out, run(new Setup(t, 10, Duration.ofSeconds(1), fixed, 20, minutes, 1, true,
            seed), uri));
      }
      if (targetsOnly) {
        return;
      }
      out.println();
      out.println("## Cost: 1,000 checks/s per key per instance, 10 instances, 100 ms sync");
      out.println();
      header(out);
      row(out, cost(uri, quick, seed, fixed));
      out.println();

      leased(out, img, uri, minutes, seed, quick);

      out.println("## Sync interval sweep: 10 instances, 1,000/min fixed window, 20 keys");
      out.println();
      header(out);
      List<Duration> intervals = List.of(Duration.ofMillis(100), Duration.ofMillis(250),
          Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
          Duration.ofSeconds(5));
      List<Result> sweepUniform = new ArrayList<>();
      List<Result> sweepZipf = new ArrayList<>();
      for (Duration d : intervals) {
        Result u = run(new Setup(Traffic.UNIFORM, 10, d, fixed, 20, minutes, 1, false, seed),
            uri);
        Result z = run(new Setup(Traffic.ZIPF, 10, d, fixed, 20, minutes, 1, false, seed), uri);
        sweepUniform.add(u);
        sweepZipf.add(z);
        row(out, u);
        row(out, z);
      }
      out.println();
      Plots.errorVersusInterval(img.resolve("synced-error-vs-interval.png"), intervals,
          sweepUniform, sweepZipf);
      Result surge = targets.stream().filter(r -> r.setup().traffic() == Traffic.SURGE
          && r.setup().sync().equals(Duration.ofSeconds(1))
          && r.setup().limit().equals(fixed)).findFirst().orElseThrow();
      Plots.timeline(img.resolve("synced-surge-timeline.png"), surge);
    }
    SlidingComparison.run(out, img, quick, seed);
    System.err.println();
  }

  /** The cost setup: 1,000 checks/s per key per instance, 10 instances, 100 ms sync. */
  static Result cost(String uri, boolean quick, long seed, Limit fixed) {
    return cost(uri, quick, seed, fixed, Mode.SYNCED);
  }

  /** The cost setup for {@code mode}. */
  static Result cost(String uri, boolean quick, long seed, Limit fixed, Mode mode) {
    // UNIFORM sends twice the given rate: 500/s per instance per key x 2 x 10 instances.
    Setup s = new Setup(Traffic.UNIFORM, 10, Duration.ofMillis(100), fixed, 4, quick ? 1 : 2,
        10_000.0 / (2 * 1_000 / 60.0), false, seed);
    return run(mode == Mode.LEASED ? s.leased() : s, uri);
  }

  /**
   * The leased engine's tables: the targets' setups (10 instances, 1,000/min, 20 keys, every
   * pattern, 1 s and 100 ms) for fixed window and token bucket, and the cost setup.
   */
  static void leased(PrintStream out, Path img, String uri, int minutes, long seed,
      boolean quick) throws IOException {
    out.println("## Leased: 10 instances, 1,000/min per key, 20 keys");
    out.println();
    headerWithTotals(out);
    Limit fixed = Limit.fixedWindow(1_000, Duration.ofMinutes(1));
    Limit bucket = Limit.tokenBucket(1_000, Duration.ofMinutes(1));
    for (Limit l : List.of(fixed, bucket)) {
      for (Duration d : List.of(Duration.ofSeconds(1), Duration.ofMillis(100))) {
        for (Traffic t : Traffic.values()) {
          Setup setup = new Setup(t, 10, d, l, 20, minutes, 1, false, seed);
          Result r = run(setup.leased(), uri);
          row(out, r, true);
          if (t == Traffic.BURSTY && l == fixed && d.equals(Duration.ofSeconds(1))) {
            Plots.modes(img.resolve("leased-bursty-timeline.png"), r, run(setup, uri));
          }
        }
      }
    }
    out.println();
    out.println("## Leased cost: 1,000 checks/s per key per instance, 10 instances, 100 ms");
    out.println();
    headerWithTotals(out);
    row(out, cost(uri, quick, seed, fixed, Mode.LEASED), true);
    out.println();
  }

  /** Runs one setup on the Redis at {@code uri}. */
  static Result run(Setup s, String uri) {
    // The same traffic for both modes: the seed does not depend on the mode.
    Setup asSynced = new Setup(s.traffic(), s.instances(), s.sync(), s.limit(), s.keys(),
        s.minutes(), s.demandScale(), s.byDemand(), s.seed());
    SplittableRandom random = new SplittableRandom(s.seed() * 31 + asSynced.label().hashCode());
    ManualTimeSource clock = TimeSource.manual(START);
    Rule rule = Rule.of("lab", s.limit());
    String prefix = "lab:" + RUNS.incrementAndGet() + ":" + Long.toHexString(random.nextLong())
        + ":";
    long interval = s.sync().toNanos() / 1_000;
    Instance[] engines = new Instance[s.instances()];
    RateLimiter[] limiters = new RateLimiter[s.instances()];
    long[] nextSync = new long[s.instances()];
    for (int i = 0; i < engines.length; i++) {
      engines[i] = Instance.of(s, uri, prefix, i, clock, rule);
      limiters[i] = engines[i].limiter();
      nextSync[i] = START + random.nextLong(interval);
    }
    InMemoryEngine exactEngine = InMemoryEngine.builder().timeSource(clock).build();
    RateLimiter exact = exactEngine.limiter(rule);
    long window = s.limit().windowMicros();
    long permits = s.limit().permits();
    long duration = s.minutes() * 60_000_000L;
    Traffic.Source source = s.traffic().source(s.keys(),
        s.demandScale() * permits * 1e6 / window, duration, random);
    String[] keys = new String[s.keys()];
    for (int k = 0; k < keys.length; k++) {
      keys[k] = "key-" + k;
    }
    long[] a = new long[s.keys()];
    long[] o = new long[s.keys()];
    long[] d = new long[s.keys()];
    long[] prevA = new long[s.keys()];
    long[] windowOf = new long[s.keys()];
    Arrays.fill(windowOf, START);
    boolean sliding = s.limit().algorithm() == dev.sluice.Algorithm.SLIDING_WINDOW_COUNTER;
    boolean bucket = s.limit().algorithm() == dev.sluice.Algorithm.TOKEN_BUCKET;
    // A token bucket on the history the instances made: its level per key, and when.
    double[] level = new double[s.keys()];
    long[] levelAt = new long[s.keys()];
    Arrays.fill(level, s.limit().burst());
    Arrays.fill(levelAt, START);
    long wrongOnHistory = 0;
    double[] syncedPerSecond = new double[(int) (duration / 1_000_000)];
    double[] exactPerSecond = new double[syncedPerSecond.length];
    Stats st = new Stats(permits);
    long checks = 0;
    long wrong = 0;
    long admittedAll = 0;
    long exactAll = 0;
    long[] times = new long[64];
    int[] keyOf = new int[64];
    String label = s.label();
    int lastPercent = -1;
    try {
      // Redis has known the pools for a window when traffic starts (the leased engine's data
      // mark, after which new token buckets start full and no grace period holds grants back).
      if (s.mode() == Mode.LEASED) {
        clock.set(START - window);
        for (Instance e : engines) {
          e.sync().run();
        }
      }
      for (long tick = 0; tick < duration; tick += TICK) {
        long t0 = START + tick;
        int percent = (int) (100 * tick / duration);
        if (percent != lastPercent) {
          lastPercent = percent;
          System.err.printf(Locale.ROOT, "\r%-70s %3d%% (%d/%d s simulated)", label, percent,
              tick / 1_000_000, duration / 1_000_000);
        }
        for (int i = 0; i < engines.length; i++) {
          if (nextSync[i] <= t0) {
            clock.set(nextSync[i]);
            engines[i].sync().run();
            nextSync[i] += interval;
          }
        }
        int n = 0;
        for (int k = 0; k < keys.length; k++) {
          int arrivals = source.arrivals(k, tick, TICK);
          for (int j = 0; j < arrivals; j++) {
            if (n == times.length) {
              times = Arrays.copyOf(times, n * 2);
              keyOf = Arrays.copyOf(keyOf, n * 2);
            }
            times[n] = t0 + random.nextLong(TICK);
            keyOf[n] = k;
            n++;
          }
        }
        sortByTime(times, keyOf, n);
        for (int e = 0; e < n; e++) {
          long t = times[e];
          int k = keyOf[e];
          long w = t - Math.floorMod(t, window);
          if (w != windowOf[k]) {
            st.window(a[k], o[k], d[k]);
            prevA[k] = w == windowOf[k] + window ? a[k] : 0;
            a[k] = 0;
            o[k] = 0;
            d[k] = 0;
            windowOf[k] = w;
          }
          clock.set(t);
          boolean synced = limiters[random.nextInt(limiters.length)].tryAcquire(keys[k], 1, t);
          boolean truth = exact.tryAcquire(keys[k], 1, t);
          // What an exact counter would decide on the history the synced instances made.
          long elapsed = t - w;
          boolean onHistory;
          if (bucket) {
            level[k] = Math.min(s.limit().burst(),
                level[k] + (t - levelAt[k]) * (double) permits / window);
            levelAt[k] = t;
            onHistory = level[k] >= 1;
          } else {
            onHistory = sliding
                ? prevA[k] * (window - elapsed) + (a[k] + 1) * window <= permits * window
                : a[k] + 1 <= permits;
          }
          if (onHistory != synced) {
            wrongOnHistory++;
          }
          checks++;
          d[k]++;
          admittedAll += synced ? 1 : 0;
          exactAll += truth ? 1 : 0;
          if (synced) {
            a[k]++;
            if (bucket) {
              level[k] -= 1;
            }
          }
          if (truth) {
            o[k]++;
          }
          if (synced != truth) {
            wrong++;
          }
          if (k == 0) {
            int sec = (int) ((t - START) / 1_000_000);
            syncedPerSecond[sec] += synced ? 1 : 0;
            exactPerSecond[sec] += truth ? 1 : 0;
          }
        }
      }
      for (int k = 0; k < keys.length; k++) {
        st.window(a[k], o[k], d[k]);
      }
      long commands = 0;
      for (Instance e : engines) {
        commands += e.commands().getAsLong();
      }
      return new Result(s, checks, st.windows, st.saturated, st.meanOver(), st.worstOver,
          st.meanUnder(), st.worstUnder, 100.0 * wrong / Math.max(1, checks),
          100.0 * wrongOnHistory / Math.max(1, checks), (double) commands / Math.max(1, checks),
          syncedPerSecond, exactPerSecond, admittedAll, exactAll);
    } finally {
      for (Instance e : engines) {
        e.close();
      }
      exactEngine.close();
    }
  }

  /** Sorts the first {@code n} arrivals of a tick by time (insertion sort: ticks are small). */
  private static void sortByTime(long[] times, int[] keys, int n) {
    for (int i = 1; i < n; i++) {
      long t = times[i];
      int k = keys[i];
      int j = i - 1;
      while (j >= 0 && times[j] > t) {
        times[j + 1] = times[j];
        keys[j + 1] = keys[j];
        j--;
      }
      times[j + 1] = t;
      keys[j + 1] = k;
    }
  }

  /** Accumulates per-window errors. */
  private static final class Stats {
    final long permits;
    long windows;
    long saturated;
    double sumOver;
    double sumUnder;
    double worstOver;
    double worstUnder;

    Stats(long permits) {
      this.permits = permits;
    }

    void window(long admitted, long exact, long demand) {
      if (demand == 0) {
        return;
      }
      windows++;
      double over = 100.0 * Math.max(0, admitted - exact) / permits;
      double under = 100.0 * Math.max(0, exact - admitted) / permits;
      worstOver = Math.max(worstOver, over);
      worstUnder = Math.max(worstUnder, under);
      if (demand >= permits) {
        saturated++;
        sumOver += over;
        sumUnder += under;
      }
    }

    double meanOver() {
      return saturated == 0 ? 0 : sumOver / saturated;
    }

    double meanUnder() {
      return saturated == 0 ? 0 : sumUnder / saturated;
    }
  }

  static void header(PrintStream out) {
    out.println("| run | checks | windows (saturated) | over mean | over worst | under mean "
        + "| under worst | wrong (own history) | wrong (vs oracle) | Redis commands/check |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  }

  /** The header of tables with the run's admissions against the exact counter's. */
  static void headerWithTotals(PrintStream out) {
    out.println("| run | checks | windows (saturated) | over mean | over worst | under mean "
        + "| under worst | wrong (own history) | wrong (vs oracle) | Redis commands/check "
        + "| admitted / exact (run) |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  }

  static void row(PrintStream out, Result r) {
    row(out, r, false);
  }

  static void row(PrintStream out, Result r, boolean totals) {
    System.err.print("\r" + " ".repeat(110) + "\r");
    out.printf(Locale.ROOT, "| %s | %,d | %d (%d) | %.2f %% | %.2f %% | %.2f %% | %.2f %% | "
            + "%.3f %% | %.3f %% | %.4f |", r.setup().label(), r.checks(), r.windows(),
        r.saturated(), r.meanOver(), r.worstOver(), r.meanUnder(), r.worstUnder(),
        r.wrongOnHistoryPercent(), r.wrongPercent(), r.commandsPerCheck());
    if (totals) {
      out.printf(Locale.ROOT, " %.2f %% |", 100.0 * r.admitted() / Math.max(1, r.exactAdmitted()));
    }
    out.println();
    out.flush();
  }

  static String human(Duration d) {
    return d.toMillis() % 1_000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  /**
   * The sliding window counter against the exact sliding log, both in memory, on one trace:
   * the comparison Cloudflare published for its counter.
   */
  static final class SlidingComparison {
    private SlidingComparison() {}

    static void run(PrintStream out, Path img, boolean quick, long seed) throws IOException {
      out.println("## Sliding window counter against the exact sliding log");
      out.println();
      out.println("| trace | requests | wrong on own history (allowed / denied) | wrong vs a log "
          + "with its own history (allowed / denied) | mean rate error | worst over-admission "
          + "in a sliding window |");
      out.println("|---|---:|---:|---:|---:|---:|");
      run(out, img.resolve("sliding-counter-error.png"), quick, seed, 0.5);
      run(out, null, quick, seed, 0.1);
      out.println();
    }

    static void run(PrintStream out, Path plot, boolean quick, long seed, double median)
        throws IOException {
      int clients = quick ? 500 : 2_000;
      int minutes = quick ? 5 : 10;
      long permits = 100;
      long window = 60_000_000;
      SplittableRandom random = new SplittableRandom(seed);
      double[] rate = new double[clients];
      for (int c = 0; c < clients; c++) {
        // Lognormal around half the limit: most clients well under, a tail far above it.
        double g = Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
            * Math.cos(2 * Math.PI * random.nextDouble());
        rate[c] = median * permits * 1e6 / window * Math.exp(1.0 * g);
      }
      ManualTimeSource clock = TimeSource.manual(START);
      InMemoryEngine engine = InMemoryEngine.builder().timeSource(clock).build();
      RateLimiter counter = engine.limiter(Rule.of("counter",
          Limit.slidingWindowCounter(permits, Duration.ofMinutes(1))));
      RateLimiter log = engine.limiter(Rule.of("log",
          Limit.slidingWindowLog(permits, Duration.ofMinutes(1))));
      List<ArrayDeque<Long>> admittedByCounter = new ArrayList<>();
      long[] cur = new long[clients];
      long[] prev = new long[clients];
      long[] windowOf = new long[clients];
      for (int c = 0; c < clients; c++) {
        admittedByCounter.add(new ArrayDeque<>());
        windowOf[c] = START;
      }
      long requests = 0;
      long wrong = 0;
      long wronglyAllowed = 0;
      long wronglyDenied = 0;
      long wrongOnHistory = 0;
      long wronglyAllowedOnHistory = 0;
      double sumRelError = 0;
      long relCount = 0;
      double worstOver = 0;
      int[] histogram = new int[41];
      long duration = minutes * 60_000_000L;
      long tick = 10_000;
      long[] times = new long[256];
      int[] who = new int[256];
      for (long t0 = 0; t0 < duration; t0 += tick) {
        if (t0 % 1_000_000 == 0) {
          System.err.printf(Locale.ROOT, "\r%-70s %3d%%", "sliding counter vs log, " + clients
              + " clients", 100 * t0 / duration);
        }
        int n = 0;
        for (int c = 0; c < clients; c++) {
          double mean = rate[c] * tick / 1e6;
          double l = Math.exp(-mean);
          double p = 1;
          int k = -1;
          do {
            k++;
            p *= random.nextDouble();
          } while (p > l);
          for (int j = 0; j < k; j++) {
            if (n == times.length) {
              times = Arrays.copyOf(times, n * 2);
              who = Arrays.copyOf(who, n * 2);
            }
            times[n] = START + t0 + random.nextLong(tick);
            who[n] = c;
            n++;
          }
        }
        sortByTime(times, who, n);
        for (int e = 0; e < n; e++) {
          long t = times[e];
          int c = who[e];
          clock.set(t);
          long w = t - Math.floorMod(t, window);
          if (w != windowOf[c]) {
            prev[c] = w == windowOf[c] + window ? cur[c] : 0;
            cur[c] = 0;
            windowOf[c] = w;
          }
          ArrayDeque<Long> q = admittedByCounter.get(c);
          while (!q.isEmpty() && q.peekFirst() <= t - window) {
            q.pollFirst();
          }
          // The counter's estimate of the sliding count and the exact count of what it admitted.
          double estimate = prev[c] * (double) (window - (t - w)) / window + cur[c];
          long real = q.size();
          if (real > 0) {
            double rel = Math.abs(estimate - real) / real;
            sumRelError += rel;
            relCount++;
            histogram[(int) Math.max(0, Math.min(40,
                Math.round((estimate - real) / real * 100 / 2.5) + 20))]++;
          }
          boolean byCounter = counter.tryAcquire(Integer.toString(c), 1, t);
          boolean byLog = log.tryAcquire(Integer.toString(c), 1, t);
          requests++;
          // Cloudflare's measure: the counter's decision against the exact sliding count of the
          // same history (what the counter admitted), not against a log with its own history.
          boolean exactOnHistory = real + 1 <= permits;
          if (byCounter != exactOnHistory) {
            wrongOnHistory++;
            if (byCounter) {
              wronglyAllowedOnHistory++;
            }
          }
          if (byCounter != byLog) {
            wrong++;
            if (byCounter) {
              wronglyAllowed++;
            } else {
              wronglyDenied++;
            }
          }
          if (byCounter) {
            q.addLast(t);
            cur[c]++;
            worstOver = Math.max(worstOver, 100.0 * (q.size() - permits) / permits);
          }
        }
      }
      engine.close();
      System.err.print("\r" + " ".repeat(110) + "\r");
      out.printf(Locale.ROOT, "| %d clients, Poisson, lognormal rates (median %.1fx the limit, "
              + "sigma 1: %.0f %% above it), %d min, %d/min "
              + "| %,d | %.4f %% (%.4f / %.4f) | %.3f %% (%.3f / %.3f) | %.2f %% | %.1f %% |%n",
          clients, median, 100 * aboveLimit(rate, permits * 1e6 / window) / clients, minutes,
          permits, requests, 100.0 * wrongOnHistory / requests,
          100.0 * wronglyAllowedOnHistory / requests,
          100.0 * (wrongOnHistory - wronglyAllowedOnHistory) / requests,
          100.0 * wrong / requests, 100.0 * wronglyAllowed / requests,
          100.0 * wronglyDenied / requests, 100 * sumRelError / Math.max(1, relCount),
          Math.max(0, worstOver));
      if (plot != null) {
        Plots.histogram(plot, histogram);
      }
    }

    private static double aboveLimit(double[] rate, double limit) {
      int n = 0;
      for (double r : rate) {
        if (r > limit) {
          n++;
        }
      }
      return n;
    }
  }
}
