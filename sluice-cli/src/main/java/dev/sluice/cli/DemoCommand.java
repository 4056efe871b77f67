package dev.sluice.cli;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.InMemoryEngine;
import dev.sluice.Limit;
import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice demo}: every algorithm decides the same short burst on the in-memory engine, on a
 * manual clock so the output is the same on every run.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Shows each algorithm deciding the same burst of requests.",
        "Time is simulated, so every run prints the same table."})
final class DemoCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--permits", defaultValue = "5",
      description = "Permits per window (default: ${DEFAULT-VALUE}).")
  long permits;

  @Option(names = "--window", defaultValue = "1s",
      description = "Window, e.g. 1s, 500ms, 1m (default: ${DEFAULT-VALUE}).")
  String window;

  @Option(names = "--requests", defaultValue = "10",
      description = "Requests in the burst (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--spacing", defaultValue = "100ms",
      description = "Time between requests (default: ${DEFAULT-VALUE}).")
  String spacing;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Duration w = Durations.parse("--window", window);
    Duration gap = Durations.parse("--spacing", spacing);
    if (requests < 1 || requests > 1000) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--requests " + requests + " must be between 1 and 1000");
    }
    long gapMicros = gap.toNanos() / 1_000;
    long start = 1_700_000_000_000_000L;
    out.printf(Locale.ROOT, "%d requests, one every %s, against %d per %s "
        + "(GCRA with burst 2), decided by each algorithm:%n%n",
        requests, spacing, permits, window);
    for (Algorithm algorithm : Algorithm.values()) {
      Limit limit = Limit.of(algorithm, permits, w);
      if (algorithm == Algorithm.GCRA && permits > 0) {
        limit = limit.withBurst(2);
      }
      ManualTimeSource clock = TimeSource.manual(start);
      try (InMemoryEngine engine = InMemoryEngine.builder().timeSource(clock).build()) {
        RateLimiter limiter = engine.limiter(Rule.of("demo", limit));
        out.printf(Locale.ROOT, "%s%n", limit);
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < requests; i++) {
          Decision d = limiter.check("alice");
          marks.append(d.allowed() ? '+' : '.');
          out.printf(Locale.ROOT, "  t=%6.3fs  %-7s remaining=%-4d retry-after=%s%n",
              (clock.nowMicros() - start) / 1e6, d.allowed() ? "allowed" : "DENIED",
              d.remaining(), retry(d));
          clock.advanceMicros(gapMicros);
        }
        out.printf(Locale.ROOT, "  %s%n%n", marks);
      }
    }
    out.println("+ allowed, . denied. Semantics of each: docs/algorithms.md");
    return 0;
  }

  private static String retry(Decision d) {
    if (d.allowed()) {
      return "-";
    }
    return d.retryAfterMicros() == Decision.NEVER ? "never"
        : String.format(Locale.ROOT, "%.3fs", d.retryAfterMicros() / 1e6);
  }
}
