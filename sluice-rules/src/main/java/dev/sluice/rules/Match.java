package dev.sluice.rules;

import java.util.List;
import java.util.Map;

/**
 * Which requests a rule governs: all conditions must hold.
 *
 * @param path a path glob ({@link PathGlob}); {@code /**} matches every path
 * @param methods upper-case HTTP methods; empty means any method
 * @param headers header name (lower case) to a value glob; {@code *} means "present"
 */
public record Match(String path, List<String> methods, Map<String, String> headers) {
  /** Matches every request. */
  public static final Match ANY = new Match("/**", List.of(), Map.of());

  public Match {
    methods = List.copyOf(methods);
    headers = Map.copyOf(headers);
  }
}
