package dev.sluice.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds the rule that governs a request: the rules are tried by descending priority (equal
 * priorities in the order of the set) and the first whose path glob, method and header
 * conditions all hold wins. No match means the request is not limited.
 *
 * <p>Immutable and thread-safe; built once per rule set.
 */
public final class RuleMatcher {
  private final Candidate[] ordered;

  private record Candidate(RuleDefinition rule, PathGlob path, String[] methods,
      String[] headerNames, PathGlob[] headerValues) {}

  /** A matcher over {@code set}. */
  public RuleMatcher(RuleSet set) {
    List<RuleDefinition> rules = new ArrayList<>(set.rules());
    rules.sort(Comparator.comparingInt(RuleDefinition::priority).reversed()); // stable
    ordered = new Candidate[rules.size()];
    for (int i = 0; i < ordered.length; i++) {
      RuleDefinition r = rules.get(i);
      Map<String, String> h = r.match().headers();
      String[] names = h.keySet().toArray(String[]::new);
      PathGlob[] values = new PathGlob[names.length];
      for (int j = 0; j < names.length; j++) {
        // In a header value '*' spans anything, '/' included.
        values[j] = PathGlob.of(h.get(names[j]).replace("*", "**"));
      }
      ordered[i] = new Candidate(r, PathGlob.of(r.match().path()),
          r.match().methods().toArray(String[]::new), names, values);
    }
  }

  /**
   * The rule governing a request, or null when none matches.
   *
   * @param method the request method, upper case
   * @param path the request path without its query string
   * @param header the value of a header by lower-case name, null when absent
   */
  public RuleDefinition match(String method, String path, Function<String, String> header) {
    for (Candidate c : ordered) {
      if (c.methods.length > 0 && !contains(c.methods, method)) {
        continue;
      }
      if (!c.path.matches(path)) {
        continue;
      }
      boolean ok = true;
      for (int j = 0; j < c.headerNames.length && ok; j++) {
        String v = header.apply(c.headerNames[j]);
        ok = v != null && c.headerValues[j].matches(v);
      }
      if (ok) {
        return c.rule;
      }
    }
    return null;
  }

  private static boolean contains(String[] a, String s) {
    for (String x : a) {
      if (x.equals(s)) {
        return true;
      }
    }
    return false;
  }
}
