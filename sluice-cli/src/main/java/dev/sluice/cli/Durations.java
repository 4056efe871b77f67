package dev.sluice.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations people write on command lines: {@code 250ms}, {@code 1s}, {@code 5m}. */
final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d{1,12})(us|ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses {@code text} as a whole number followed by us, ms, s, m, h or d.
   *
   * @throws IllegalArgumentException naming the option and the value when it is not one
   */
  static Duration parse(String option, String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(option + " '" + text
          + "' is not a duration like 500ms, 1s, 5m, 1h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "us" -> Duration.ofNanos(n * 1_000);
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
