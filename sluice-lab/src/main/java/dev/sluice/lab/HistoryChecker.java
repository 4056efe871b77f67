package dev.sluice.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Judges a lab run's history against the engine's documented bound, key by key, and reports
 * availability, errors and latency per fault phase.
 *
 * <p>Every key of the history lives in one window of the lab's fixed-window rule (the client
 * uses a fresh key per epoch), so the admitted count of a key is what one window admitted. The
 * bounds, from docs/redis.md and docs/distributed.md, with {@code N} the limit and {@code K}
 * the instances:
 *
 * <ul>
 *   <li>{@code redis} (failure policy {@code local(share)}): answers not marked degraded admit at
 *       most {@code N} per life of the Redis data (a Redis killed and restarted without
 *       persistence starts every count again: {@code N} more per restart in the key's life);
 *       degraded answers of one instance admit at most {@code ceil(share * N)} per life of that
 *       instance's process (its in-memory fallback).
 *   <li>{@code synced}: at most {@code N + N / 10 + K} (the bound its tests assert); an
 *       instance killed while the key lived adds what it admitted in the last two sync
 *       intervals before dying (never pushed) and, restarted, one equal part {@code ceil(N/K)}
 *       (a late joiner).
 *   <li>{@code leased}: at most {@code N}; an instance killed while the key lived adds what it
 *       admitted in the last two sync intervals before dying (a crashed holder's spending since
 *       its last round).
 *   <li>{@code regional} (static allocations, a fixed window): as {@code redis}, with
 *       {@code share} the region's allocation: each region is exact on its allocation on its own
 *       Redis, the allocations sum to {@code N}, and while its Redis is unreachable a region's
 *       instance decides in process on its allocation (the Redis engine's {@code local(1.0)} on
 *       the regional rule); a region's Redis restarted empty starts its count again.
 *   <li>{@code sentinel}: the redis engine on a Sentinel group (a master, a replica, three
 *       sentinels): as {@code redis}, and every fault that may fail the master over (a pause or
 *       kill of the master, the master cut from the others) may lose what the replica had not
 *       received, so it counts as a new life of the data: {@code N} more at most.
 *   <li>{@code cluster}: the same on a Redis Cluster (three masters, a replica each).
 * </ul>
 *
 * <p>A key counts, in the report, under every fault whose time overlaps its life or ended less
 * than a second before it started; a key no fault came near counts under {@code none}.
 * Availability, errors and latency are those of the operations invoked while a fault was in
 * force (its phase); a timed-out operation counts with the client's timeout as its latency.
 *
 * <p>Two intervals, not one, because "since its last round" is measured from a round the
 * history cannot see; the scheduler's lag on a loaded machine is the reason for the margin.
 *
 * <p>Arguments: {@code --history FILE --faults FILE --engine redis|synced|leased --limit N
 * --instances K [--share 0.34] [--sync-ms 250] [--window-s 3600] [--run NAME]
 * [--summary FILE]}; exits 1 when a
 * key broke its bound, 2 on a bad argument. {@code --aggregate FILE...} instead prints the
 * Markdown table of summary files (docs/reliability.md).
 */
public final class HistoryChecker {
  private HistoryChecker() {}

  /** How long after a fault's end a key is still counted under it, in microseconds. */
  private static final long RECOVERY_US = 1_000_000;

  private record Op(long invoke, long complete, int instance, String key, String outcome,
      boolean degraded, long latency) {}

  private record Fault(long start, long end, String kind, String target) {
    boolean overlaps(long from, long to) {
      return start <= to && end >= from;
    }
  }

  /**
   * Runs the checker.
   *
   * @param args the arguments above
   * @throws IOException when a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length > 0 && args[0].equals("--aggregate")) {
      aggregate(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    Map<String, String> a = Args.parse(args, List.of("history", "faults", "engine", "limit",
        "instances", "share", "sync-ms", "window-s", "run", "summary"));
    String engine = Args.required(a, "engine");
    if (!List.of("redis", "synced", "leased", "regional", "sentinel", "cluster")
        .contains(engine)) {
      Args.fail("--engine: '" + engine
          + "' must be redis, synced, leased, regional, sentinel or cluster");
    }
    long limit = Args.positive(a, "limit", 0);
    int instances = (int) Args.positive(a, "instances", 0);
    double share = Double.parseDouble(a.getOrDefault("share", "0.34"));
    long syncUs = Args.positive(a, "sync-ms", 250) * 1_000;
    long windowUs = Args.positive(a, "window-s", 3600) * 1_000_000;
    String run = a.getOrDefault("run", "run");
    List<Op> ops = readHistory(Path.of(Args.required(a, "history")));
    List<Fault> faults = readFaults(Path.of(Args.required(a, "faults")));

    Map<String, List<Op>> byKey = new TreeMap<>();
    for (Op op : ops) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    // per fault kind ("none" for keys no fault touched): worst over-admission, keys
    Map<String, long[]> overByKind = new TreeMap<>();
    int violations = 0;
    for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
      List<Op> kops = e.getValue();
      long from = Long.MAX_VALUE;
      long to = Long.MIN_VALUE;
      for (Op op : kops) {
        from = Math.min(from, op.invoke());
        to = Math.max(to, op.complete());
      }
      List<Fault> touched = new ArrayList<>();
      List<Fault> attributed = new ArrayList<>();
      for (Fault f : faults) {
        if (f.overlaps(from, to)) {
          touched.add(f);
        }
        // A fault's effects outlast it (reconnections, backlogs, breakers): a key that started
        // within the recovery margin after it is counted under it too.
        if (f.overlaps(from - RECOVERY_US, to)) {
          attributed.add(f);
        }
      }
      long admitted = kops.stream().filter(op -> op.outcome().equals("ok")).count();
      // A key whose life crosses a window boundary had a fresh limit after it.
      long windows = 1 + Math.floorDiv(to, windowUs) - Math.floorDiv(from, windowUs);
      String verdict = judge(engine, limit * windows, instances, share, syncUs, kops, touched);
      if (verdict != null) {
        violations++;
        System.out.printf(Locale.ROOT, "VIOLATION %s key %s: admitted %d of %d: %s; faults %s%n",
            run, e.getKey(), admitted, limit, verdict, kinds(attributed));
      }
      for (String kind : kinds(attributed)) {
        long[] w = overByKind.computeIfAbsent(kind, k -> new long[] {Long.MIN_VALUE, 0, 0});
        w[0] = Math.max(w[0], admitted - limit);
        w[1]++;
        if (verdict != null) {
          w[2]++;
        }
      }
    }

    Map<String, List<Op>> byPhase = new TreeMap<>();
    for (Op op : ops) {
      String phase = "none";
      for (Fault f : faults) {
        if (f.overlaps(op.invoke(), op.invoke())) {
          phase = f.kind();
          break;
        }
      }
      byPhase.computeIfAbsent(phase, k -> new ArrayList<>()).add(op);
    }
    List<String> rows = new ArrayList<>();
    System.out.printf(Locale.ROOT, "%s %s: %d operations, %d keys, %d faults, limit %d per key%n",
        run, engine, ops.size(), byKey.size(), faults.size(), limit);
    System.out.printf(Locale.ROOT, "  %-16s %6s %8s %9s %9s %7s %7s %7s %9s %8s %8s %s%n",
        "fault", "keys", "worst", "worst%", "asked", "errors", "timeout", "degr.", "avail%",
        "p50ms", "p99ms", "bound");
    TreeSet<String> kinds = new TreeSet<>(overByKind.keySet());
    kinds.addAll(byPhase.keySet());
    for (String kind : kinds) {
      long[] w = overByKind.getOrDefault(kind, new long[] {Long.MIN_VALUE, 0, 0});
      List<Op> phase = byPhase.getOrDefault(kind, List.of());
      long asked = phase.size();
      long errors = phase.stream().filter(op -> op.outcome().equals("error")).count();
      long timeouts = phase.stream().filter(op -> op.outcome().equals("timeout")).count();
      long degraded = phase.stream().filter(Op::degraded).count();
      long answered = asked - errors - timeouts;
      long[] lat = phase.stream().mapToLong(Op::latency).sorted().toArray();
      double avail = asked == 0 ? Double.NaN : 100.0 * answered / asked;
      double p50 = percentile(lat, 0.50) / 1000.0;
      double p99 = percentile(lat, 0.99) / 1000.0;
      long worst = w[1] == 0 ? 0 : Math.max(0, w[0]);
      String held = w[1] == 0 ? "-" : (w[2] == 0 ? "held" : "BROKEN(" + w[2] + ")");
      System.out.printf(Locale.ROOT,
          "  %-16s %6d %8d %8.2f%% %9d %7d %7d %7d %8.2f%% %8.1f %8.1f %s%n",
          kind, w[1], worst, 100.0 * worst / limit, asked, errors, timeouts, degraded, avail,
          p50, p99, held);
      rows.add(String.join("\t", run, engine, kind, Long.toString(w[1]), Long.toString(limit),
          Long.toString(worst), Long.toString(asked), Long.toString(answered),
          Long.toString(errors), Long.toString(timeouts), Long.toString(degraded),
          String.format(Locale.ROOT, "%.1f", p50), String.format(Locale.ROOT, "%.1f", p99),
          Long.toString(w[2])));
    }
    if (a.containsKey("summary")) {
      Files.write(Path.of(a.get("summary")), rows, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    System.out.printf(Locale.ROOT, "%s %s: %s%n", run, engine,
        violations == 0 ? "every key within the documented bound"
            : violations + " key(s) broke the documented bound");
    System.exit(violations == 0 ? 0 : 1);
  }

  /** Null when the key's admissions are within the engine's bound, else why not. */
  private static String judge(String engine, long limit, int instances, double share, long syncUs,
      List<Op> ops, List<Fault> faults) {
    long admitted = ops.stream().filter(op -> op.outcome().equals("ok")).count();
    switch (engine) {
      case "redis":
      case "regional":
      case "sentinel":
      case "cluster": {
        // A Redis restarted empty starts every count again; on a Sentinel group so does a
        // failover, which loses the writes the replica had not received (a pause or a kill of
        // the master, or the master cut from the others, may each cause one).
        List<String> newLives = !engine.equals("redis") && !engine.equals("regional")
            ? List.of("kill-redis", "pause-redis", "failover") : List.of("kill-redis");
        long redisLives = 1 + faults.stream().filter(f -> newLives.contains(f.kind())).count();
        long exact = ops.stream().filter(op -> op.outcome().equals("ok") && !op.degraded()).count();
        if (exact > limit * redisLives) {
          return "non-degraded admissions " + exact + " > " + limit + " x " + redisLives
              + " Redis lives";
        }
        long perLife = (long) Math.max(1, Math.ceil(share * limit));
        Map<Integer, Long> local = new HashMap<>();
        for (Op op : ops) {
          if (op.outcome().equals("ok") && op.degraded()) {
            local.merge(op.instance(), 1L, Long::sum);
          }
        }
        for (Map.Entry<Integer, Long> e : local.entrySet()) {
          long lives = 1 + faults.stream().filter(f -> f.kind().equals("kill-instance")
              && f.target().equals("s" + (e.getKey() + 1))).count();
          if (e.getValue() > perLife * lives) {
            return "instance s" + (e.getKey() + 1) + " admitted " + e.getValue()
                + " degraded > " + perLife + " x " + lives + " process lives";
          }
        }
        return null;
      }
      case "synced":
      case "leased": {
        long bound = limit;
        if (engine.equals("synced")) {
          bound += limit / 10 + instances;
        }
        for (Fault f : faults) {
          if (!f.kind().equals("kill-instance")) {
            continue;
          }
          int inst = Integer.parseInt(f.target().substring(1)) - 1;
          bound += ops.stream().filter(op -> op.instance() == inst && op.outcome().equals("ok")
              && op.complete() <= f.start() && op.complete() >= f.start() - 2 * syncUs).count();
          if (engine.equals("synced")) {
            bound += (limit + instances - 1) / instances;
          }
        }
        return admitted > bound ? "admitted " + admitted + " > bound " + bound : null;
      }
      default:
        throw new IllegalArgumentException("engine " + engine);
    }
  }

  private static List<String> kinds(List<Fault> faults) {
    if (faults.isEmpty()) {
      return List.of("none");
    }
    return faults.stream().map(Fault::kind).distinct().sorted().toList();
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static List<Op> readHistory(Path file) throws IOException {
    List<Op> ops = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      if (f.length != 8) {
        throw new IOException(file + " line " + (i + 1) + ": expected 8 fields: " + lines.get(i));
      }
      ops.add(new Op(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[3]), f[4],
          f[5], Boolean.parseBoolean(f[6]), Long.parseLong(f[7])));
    }
    return ops;
  }

  /** The lab's fault log: {@code start_ms end_ms kind target} per line, wall clock. */
  private static List<Fault> readFaults(Path file) throws IOException {
    List<Fault> faults = new ArrayList<>();
    if (!Files.exists(file)) {
      return faults;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.strip().split("\\s+");
      if (f.length < 4 || line.startsWith("#")) {
        continue;
      }
      faults.add(new Fault(Long.parseLong(f[0]) * 1_000, Long.parseLong(f[1]) * 1_000, f[2],
          f[3]));
    }
    return faults;
  }

  /** Prints the Markdown table of summary files: engine x fault, over every run. */
  private static void aggregate(String[] files) throws IOException {
    // engine|fault -> runs, keys, limit, worst, asked, answered, errors+timeouts, p99 max, broken
    Map<String, long[]> cells = new LinkedHashMap<>();
    Map<String, double[]> p99s = new HashMap<>();
    Map<String, TreeSet<String>> runs = new HashMap<>();
    for (String file : files) {
      for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
        String[] f = line.split("\t");
        if (f.length != 14) {
          continue;
        }
        String cell = f[1] + "|" + f[2];
        long[] c = cells.computeIfAbsent(cell, k -> new long[8]);
        c[0] += Long.parseLong(f[3]);
        c[1] = Long.parseLong(f[4]);
        c[2] = Math.max(c[2], Long.parseLong(f[5]));
        c[3] += Long.parseLong(f[6]);
        c[4] += Long.parseLong(f[7]);
        c[5] += Long.parseLong(f[13]);
        double[] p = p99s.computeIfAbsent(cell, k -> new double[1]);
        p[0] = Math.max(p[0], Double.parseDouble(f[12]));
        runs.computeIfAbsent(cell, k -> new TreeSet<>()).add(f[0]);
      }
    }
    System.out.println("| engine | fault | worst over-admission | availability | p99 (ms) "
        + "| runs (seeds) | keys | bound held? |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Map.Entry<String, long[]> e : new TreeMap<>(cells).entrySet()) {
      String[] k = e.getKey().split("\\|");
      long[] c = e.getValue();
      String over = c[0] == 0 ? "-" : String.format(Locale.ROOT, "%d (%.1f %%)", c[2],
          100.0 * c[2] / c[1]);
      String avail = c[3] == 0 ? "-" : String.format(Locale.ROOT, "%.1f %%", 100.0 * c[4] / c[3]);
      String p99 = c[3] == 0 ? "-" : String.format(Locale.ROOT, "%.0f", p99s.get(e.getKey())[0]);
      String held = c[0] == 0 ? "-" : (c[5] == 0 ? "yes" : "**no** (" + c[5] + " keys)");
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %d (%s) | %d | %s |%n", k[0],
          k[1], over, avail, p99, runs.get(e.getKey()).size(),
          String.join(", ", runs.get(e.getKey())), c[0], held);
    }
  }
}
