package dev.sluice.bench.lab.regions;

import dev.sluice.Limit;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.regions.RegionalEngine;
import dev.sluice.regions.UsageCrdt;
import dev.sluice.testkit.CuttableProxy;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The multi-region lab: the seed's 1000/min global limit over three regions (ap, eu, us with
 * weights 2, 2, 1: 400 / 400 / 200), each on its own real redis-server, every link between
 * regions through a TCP proxy; simulated time, one exchange per simulated second.
 *
 * <p>Scenario (minutes): 0-2 even demand (ap 300, eu 300, us 150 per minute); 2-10 us surges
 * to 600 while ap and eu drop to 150; us is cut off from 6:45 to 7:15 (across an epoch boundary); 10-14 even again. Run
 * twice in the same process, with static allocations (the peer) and rebalanced toward demand.
 * Prints markdown tables and writes PNG plots.
 *
 * <p>Arguments: {@code --img DIR} (default docs/img).
 */
public final class RegionsLab {
  static final List<String> REGIONS = List.of("ap", "eu", "us");
  static final long MINUTE = 60_000_000L;
  static final long START = 29_000_000L * MINUTE; // an epoch boundary
  static final int MINUTES = 14;
  static final int PARTITION_FROM = 6 * 60 + 45;
  static final int PARTITION_TO = 7 * 60 + 15;
  static final int SURGE_FROM = 2;
  static final int SURGE_TO = 10;
  static final Rule RULE = Rule.of("seed004", Limit.fixedWindow(1000, Duration.ofMinutes(1)));

  private RegionsLab() {}

  /** Demand per minute of a region at a minute of the scenario. */
  static long demand(String region, int minute) {
    boolean surge = minute >= SURGE_FROM && minute < SURGE_TO;
    return switch (region) {
      case "us" -> surge ? 600 : 150;
      default -> surge ? 150 : 300;
    };
  }

  /** What one run measured. */
  record Run(String mode, long[][] admittedPerMinute, long[][] allocationPerMinute,
      double[][] admittedPerSecond, double[] trueGlobal, double[] usView, int healRounds,
      int healFailedRounds, long worstOver) {}

  public static void main(String[] args) throws Exception {
    Path img = Path.of("docs/img");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--img")) {
        img = Path.of(args[++i]);
      }
    }
    Files.createDirectories(img);
    Run fixed = run(false);
    Run demand = run(true);
    print(fixed, demand);
    plotTimeline(img.resolve("regions-timeline.png"), demand);
    plotAllocations(img.resolve("regions-allocations.png"), fixed, demand);
    plotViews(img.resolve("regions-partition-view.png"), demand);
  }

  static Run run(boolean rebalance) throws Exception {
    ManualTimeSource clock = TimeSource.manual(START);
    Map<String, RedisProcess> redis = new LinkedHashMap<>();
    List<CuttableProxy> usLinks = new ArrayList<>();
    List<CuttableProxy> all = new ArrayList<>();
    Map<String, RegionalEngine> engines = new LinkedHashMap<>();
    try {
      for (String r : REGIONS) {
        redis.put(r, RedisServers.standalone());
      }
      for (String from : REGIONS) {
        Map<String, Topology> t = new LinkedHashMap<>();
        for (String to : REGIONS) {
          if (to.equals(from)) {
            t.put(to, Topology.standalone(redis.get(to).uri()));
          } else {
            CuttableProxy p = CuttableProxy.to(redis.get(to).port());
            all.add(p);
            if (from.equals("us") || to.equals("us")) {
              usLinks.add(p);
            }
            t.put(to, Topology.standalone("redis://127.0.0.1:" + p.port()));
          }
        }
        engines.put(from, RegionalEngine.builder(from, t).weight("ap", 2).weight("eu", 2)
            .weight("us", 1).rebalance(rebalance).timeSource(clock)
            .exchangeInterval(Duration.ofMillis(20)).commandTimeout(Duration.ofSeconds(1))
            .autoExchange(false).build());
      }
      Map<String, RateLimiter> limiters = new LinkedHashMap<>();
      engines.forEach((r, e) -> limiters.put(r, e.limiter(RULE)));
      int seconds = MINUTES * 60;
      long[][] perMinute = new long[REGIONS.size()][MINUTES];
      long[][] alloc = new long[REGIONS.size()][MINUTES];
      double[][] perSecond = new double[REGIONS.size()][seconds];
      double[] trueGlobal = new double[seconds];
      double[] usView = new double[seconds];
      double[] carry = new double[REGIONS.size()];
      int healRounds = -1;
      int healFailed = 0;
      for (int s = 0; s < seconds; s++) {
        int minute = s / 60;
        clock.set(START + s * 1_000_000L);
        if (s == PARTITION_FROM) {
          usLinks.forEach(CuttableProxy::cut);
        }
        boolean healing = s == PARTITION_TO;
        if (healing) {
          usLinks.forEach(CuttableProxy::restore);
          Thread.sleep(100); // the links' reconnect back-off
        }
        for (int i = 0; i < REGIONS.size(); i++) {
          String r = REGIONS.get(i);
          carry[i] += demand(r, minute) / 60.0;
          int n = (int) Math.floor(carry[i]);
          carry[i] -= n;
          long a = 0;
          for (int k = 0; k < n; k++) {
            if (limiters.get(r).tryAcquire("client", 1, clock.nowMicros())) {
              a++;
            }
          }
          perMinute[i][minute] += a;
          perSecond[i][s] = a;
          if (s % 60 == 0 || alloc[i][minute] == 0) {
            alloc[i][minute] = engines.get(r).view(RULE, "client", clock.nowMicros()).get(r)
                .allocation();
          }
        }
        boolean ok = true;
        for (RegionalEngine e : engines.values()) {
          ok &= e.exchangeNow();
        }
        if (healing) {
          // Rounds until every region holds the same view; a round in which some link had not
          // reconnected yet (Lettuce's back-off, on a loaded machine) is counted apart.
          healRounds = 1;
          healFailed = ok ? 0 : 1;
          while (!converged(engines, clock.nowMicros()) && healRounds < 20) {
            ok = true;
            for (RegionalEngine e : engines.values()) {
              ok &= e.exchangeNow();
            }
            healRounds++;
            healFailed += ok ? 0 : 1;
          }
        }
        long truth = 0;
        for (int i = 0; i < REGIONS.size(); i++) {
          truth += perMinute[i][minute];
        }
        trueGlobal[s] = truth;
        usView[s] = engines.get("us").view(RULE, "client", clock.nowMicros()).admitted();
      }
      long worst = 0;
      for (int m = 0; m < MINUTES; m++) {
        long sum = 0;
        for (int i = 0; i < REGIONS.size(); i++) {
          sum += perMinute[i][m];
        }
        worst = Math.max(worst, sum - 1000);
      }
      return new Run(rebalance ? "demand" : "static", perMinute, alloc, perSecond, trueGlobal,
          usView, healRounds, healFailed, worst);
    } finally {
      engines.values().forEach(RegionalEngine::close);
      all.forEach(CuttableProxy::close);
      redis.values().forEach(RedisProcess::close);
    }
  }

  private static boolean converged(Map<String, RegionalEngine> engines, long now) {
    UsageCrdt first = null;
    for (RegionalEngine e : engines.values()) {
      UsageCrdt v = e.view(RULE, "client", now);
      if (v.regions().size() != REGIONS.size() || (first != null && !v.equals(first))) {
        return false;
      }
      first = v;
    }
    return true;
  }

  static void print(Run fixed, Run demand) {
    System.out.println("### Per minute: admitted (allocation) per region, and the global sum");
    System.out.println();
    System.out.println("| minute | demand ap/eu/us | static: ap | eu | us | sum | demand-"
        + "rebalanced: ap | eu | us | sum |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (int m = 0; m < MINUTES; m++) {
      StringBuilder b = new StringBuilder("| " + m + (m == 6 || m == 7 ? " (us cut 6:45-7:15)" : "")
          + " | " + demand("ap", m) + "/" + demand("eu", m) + "/" + demand("us", m));
      for (Run r : List.of(fixed, demand)) {
        long sum = 0;
        for (int i = 0; i < REGIONS.size(); i++) {
          b.append(" | ").append(r.admittedPerMinute[i][m]).append(" (")
              .append(r.allocationPerMinute[i][m]).append(")");
          sum += r.admittedPerMinute[i][m];
        }
        b.append(" | ").append(sum);
      }
      System.out.println(b.append(" |"));
    }
    System.out.println();
    System.out.println("### Targets");
    System.out.println();
    System.out.println("| measure | static | rebalanced | target |");
    System.out.println("|---|---|---|---|");
    System.out.println("| worst global over-admission in any minute (permits) | "
        + fixed.worstOver + " | " + demand.worstOver + " | <= 0 (fixed window: the documented "
        + "bound) |");
    System.out.println("| exchange rounds to converge after the heal (of which some link had "
        + "not reconnected yet) | " + fixed.healRounds + " (" + fixed.healFailedRounds + ") | "
        + demand.healRounds + " (" + demand.healFailedRounds + ") | <= 2 |");
    long us = REGIONS.indexOf("us");
    long floor = 50;
    long dem = 0;
    long admF = 0;
    long admD = 0;
    int settled = 0;
    for (int m = SURGE_FROM + 3; m < SURGE_TO; m++) {
      dem += demand("us", m) - floor;
      admF += fixed.admittedPerMinute[(int) us][m] - floor;
      admD += demand.admittedPerMinute[(int) us][m] - floor;
      settled++;
    }
    System.out.println(String.format(Locale.ROOT, "| under-admission of us, minutes %d-%d "
        + "(after rebalancing), share of its demand above its floor of %d | %.1f %% | %.1f %% | "
        + "<= 10 %% |", SURGE_FROM + 3, SURGE_TO - 1, floor, 100.0 * (dem - admF) / dem,
        100.0 * (dem - admD) / dem));
    System.out.println();
    System.out.println("(" + settled + " settled minutes; us's demand 600/min, floor "
        + floor + " = 25 % of its static 200.)");
  }

  static double[] seconds(int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i / 60.0;
    }
    return x;
  }

  static void plotTimeline(Path file, Run r) throws Exception {
    XYChart c = new XYChartBuilder().width(900).height(450)
        .title("3 regions, 1000/min rebalanced toward demand: admitted per minute so far")
        .xAxisTitle("simulated time (min)").yAxisTitle("permits admitted in the minute").build();
    int n = r.trueGlobal.length;
    double[] x = seconds(n);
    for (int i = 0; i < REGIONS.size(); i++) {
      double[] cum = new double[n];
      for (int s = 0; s < n; s++) {
        cum[s] = (s % 60 == 0 ? 0 : cum[s - 1]) + r.admittedPerSecond[i][s];
      }
      c.addSeries(REGIONS.get(i), x, cum).setMarker(SeriesMarkers.NONE);
    }
    c.addSeries("global", x, r.trueGlobal).setMarker(SeriesMarkers.NONE);
    BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  static void plotAllocations(Path file, Run fixed, Run demand) throws Exception {
    XYChart c = new XYChartBuilder().width(900).height(450)
        .title("Allocations per minute (permits of 1000): static vs rebalanced; us cut 6:45-7:15")
        .xAxisTitle("minute").yAxisTitle("allocation").build();
    double[] x = new double[MINUTES];
    for (int m = 0; m < MINUTES; m++) {
      x[m] = m;
    }
    for (int i = 0; i < REGIONS.size(); i++) {
      double[] a = new double[MINUTES];
      double[] f = new double[MINUTES];
      for (int m = 0; m < MINUTES; m++) {
        a[m] = demand.allocationPerMinute[i][m];
        f[m] = fixed.allocationPerMinute[i][m];
      }
      c.addSeries(REGIONS.get(i) + " rebalanced", x, a).setMarker(SeriesMarkers.CIRCLE);
      c.addSeries(REGIONS.get(i) + " static", x, f).setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  static void plotViews(Path file, Run r) throws Exception {
    int from = 6 * 60 + 30;
    int to = 7 * 60 + 30;
    double[] x = new double[to - from];
    double[] truth = new double[to - from];
    double[] view = new double[to - from];
    for (int s = from; s < to; s++) {
      x[s - from] = s / 60.0;
      truth[s - from] = r.trueGlobal[s];
      view[s - from] = r.usView[s];
    }
    XYChart c = new XYChartBuilder().width(900).height(450)
        .title("Global admitted in the minute, true vs as us sees it (us cut 6:45-7:15)")
        .xAxisTitle("simulated time (min)").yAxisTitle("permits admitted in the minute").build();
    c.addSeries("true global", x, truth).setMarker(SeriesMarkers.NONE);
    c.addSeries("us's view", x, view).setMarker(SeriesMarkers.NONE);
    BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
