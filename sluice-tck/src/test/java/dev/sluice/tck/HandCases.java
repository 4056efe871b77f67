package dev.sluice.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hand-computed cases that {@link HandComputedContract} runs, kept as data
 * ({@code dev/sluice/tck/cases/*.cases} on the test class path), each decision worked out from docs/algorithms.md and explained in the
 * comment above it. A file is a list of cases:
 *
 * <pre>
 * == fixedWindow_countsPermitsInEpochAlignedWindows     the case's name
 * rule fixed-window 3/10us                              the limiter of the next steps
 * # a comment: how the next decision follows            (kept in a failure's message)
 * a 1 @23 -&gt; allowed 3 2 30                             key, cost, time: the decision
 * a 1 @29 -&gt; denied 3 0 30 1 #0                         ... retryAfter, and the limit index
 * </pre>
 *
 * <p>A {@code rule} line names one or more limits, comma-separated, each
 * {@code <algorithm> <permits>/<window>us [burst <b>]}, under the rule id {@code "tck"} (equal
 * rules share state, as {@link ConformanceFixture#limiter} does). A step checks
 * {@code key} at {@code cost} and time {@code t} (microseconds) and expects
 * {@code allowed limit remaining resetAt [#index]} or
 * {@code denied limit remaining resetAt retryAfter [#index]}; {@code NEVER} stands for
 * {@link Decision#NEVER}, and the index is 0 when left out.
 */
public final class HandCases {
  private static final Pattern LIMIT = Pattern.compile(
      "([a-z-]+) (\\d+)/(\\d+)us(?: burst (\\d+))?");
  private static final Pattern STEP = Pattern.compile(
      "(\\S+) (\\d+) @(\\d+) -> (allowed|denied) ([^#]+?)(?: #(\\d+))?");

  private HandCases() {}

  /** One case: its name, the file it is written in and its steps. */
  public record HandCase(String name, String file, List<Step> steps) {
    /** The rules the case's steps use (what it needs of an engine). */
    public Set<Rule> rules() {
      Set<Rule> rules = new LinkedHashSet<>();
      steps.forEach(s -> rules.add(s.rule()));
      return rules;
    }

    /** Sends every step to {@code engine} and asserts each decision. */
    public void run(RateLimiterEngine engine) {
      Map<Rule, RateLimiter> limiters = new HashMap<>();
      for (Step s : steps) {
        RateLimiter limiter = limiters.computeIfAbsent(s.rule(), engine::limiter);
        assertThat(limiter.check(s.key(), s.cost(), s.t())).as("%s, %s:%d: %s%s", name, file,
            s.line(), s.text(), s.why().isEmpty() ? "" : " (" + s.why() + ")")
            .isEqualTo(s.expected());
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** One step of a case: a check and the decision it must get. */
  public record Step(Rule rule, String key, long cost, long t, Decision expected, int line,
      String text, String why) {}

  /** Every case: the five algorithms, rules of several limits, the seed's worked example. */
  public static Stream<HandCase> all() {
    return Stream.of("fixed-window", "sliding-window-log", "sliding-window-counter",
        "token-bucket", "gcra", "multi-limit", "seed-edge-cases").flatMap(HandCases::load);
  }

  /** The cases of {@code cases/<name>.cases}, in file order. */
  static Stream<HandCase> load(String name) {
    String file = "cases/" + name + ".cases";
    try (InputStream in = HandCases.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException("no " + file + " next to " + HandCases.class);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in,
          StandardCharsets.UTF_8));
      return parse(file, reader.lines().toList()).stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<HandCase> parse(String file, List<String> lines) {
    List<HandCase> cases = new ArrayList<>();
    String name = null;
    List<Step> steps = new ArrayList<>();
    Rule rule = null;
    StringBuilder why = new StringBuilder();
    for (int i = 0; i <= lines.size(); i++) {
      String line = i < lines.size() ? lines.get(i).strip() : "== ";
      int number = i + 1;
      if (line.startsWith("== ")) {
        if (name != null) {
          cases.add(new HandCase(name, file, List.copyOf(steps)));
        }
        name = line.substring(3).strip();
        steps.clear();
        rule = null;
        why.setLength(0);
      } else if (line.startsWith("#")) {
        why.append(why.isEmpty() ? "" : " ").append(line.substring(1).strip());
      } else if (line.startsWith("rule ")) {
        List<Limit> limits = new ArrayList<>();
        for (String l : line.substring(5).split(",")) {
          limits.add(limit(file, number, l.strip()));
        }
        rule = new Rule("tck", limits);
      } else if (!line.isEmpty()) {
        if (name == null || name.isEmpty() || rule == null) {
          throw bad(file, number, line, "a step before '== name' and 'rule ...'");
        }
        steps.add(step(file, number, line, rule, why.toString()));
        why.setLength(0);
      }
    }
    return Collections.unmodifiableList(cases);
  }

  private static Limit limit(String file, int line, String text) {
    Matcher m = LIMIT.matcher(text);
    if (!m.matches()) {
      throw bad(file, line, text, "<algorithm> <permits>/<window>us [burst <b>]");
    }
    Algorithm algorithm = Algorithm.valueOf(m.group(1).toUpperCase(Locale.ROOT)
        .replace('-', '_'));
    Limit limit = Limit.of(algorithm, Long.parseLong(m.group(2)),
        ConformanceFixture.micros(Long.parseLong(m.group(3))));
    return m.group(4) == null ? limit : limit.withBurst(Long.parseLong(m.group(4)));
  }

  private static Step step(String file, int line, String text, Rule rule, String why) {
    Matcher m = STEP.matcher(text);
    if (!m.matches()) {
      throw bad(file, line, text, "<key> <cost> @<t> -> allowed|denied <fields> [#index]");
    }
    boolean allowed = m.group(4).equals("allowed");
    String[] fields = m.group(5).strip().split(" ");
    if (fields.length != (allowed ? 3 : 4)) {
      throw bad(file, line, text, allowed ? "allowed limit remaining resetAt"
          : "denied limit remaining resetAt retryAfter");
    }
    int index = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
    Decision expected = new Decision(allowed, value(fields[0]), value(fields[1]),
        value(fields[2]), allowed ? 0 : value(fields[3]), index, false);
    return new Step(rule, m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
        expected, line, text, why);
  }

  private static long value(String field) {
    return field.equals("NEVER") ? Decision.NEVER : Long.parseLong(field);
  }

  private static IllegalArgumentException bad(String file, int line, String text,
      String expected) {
    return new IllegalArgumentException(file + ":" + line + ": '" + text + "' is not "
        + expected);
  }
}
