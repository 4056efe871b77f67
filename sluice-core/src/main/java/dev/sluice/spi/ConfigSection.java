package dev.sluice.spi;

import java.time.Duration;
import java.util.List;

/**
 * One section of the service's configuration as a plug-in reads it: typed values with defaults,
 * every problem recorded with its full key ({@code engine.command-timeout}) instead of failing on
 * the first. The host reports the keys no reader asked for as unknown once the plug-in is done,
 * so a plug-in reads every key it supports, even those it ignores in some modes.
 *
 * <p>Durations are written {@code 250ms}, {@code 1s}, {@code 5m}, {@code 1h}, {@code 1d}.
 *
 * <p>Not thread-safe; used once while the service starts.
 */
public interface ConfigSection {
  /** The full key of a child, for messages. */
  String key(String name);

  /** Records a problem with a child key; the service refuses to start and lists it. */
  void problem(String name, String why);

  /** Whether the child is present and not null. */
  boolean has(String name);

  /** A child section; an absent one reads as empty. */
  ConfigSection section(String name);

  /**
   * A list of sections ({@code certificates: [{...}, {...}]}), each keyed {@code name[i]};
   * empty when absent. A host that cannot read lists of sections records a problem instead.
   */
  default List<? extends ConfigSection> sections(String name) {
    if (has(name)) {
      problem(name, "a list of sections is not supported here");
    }
    return List.of();
  }

  /** A string (environment variables expanded); {@code def} when absent. */
  String string(String name, String def);

  /** An integer in {@code [min, max]}; {@code def} when absent or wrong (a problem recorded). */
  int integer(String name, int def, int min, int max);

  /** A long in {@code [min, max]}; {@code def} when absent or wrong (a problem recorded). */
  long longValue(String name, long def, long min, long max);

  /** {@code true} or {@code false}. */
  boolean bool(String name, boolean def);

  /** A duration of at least {@code min}. */
  Duration duration(String name, Duration def, Duration min);

  /** One of {@code allowed}. */
  String choice(String name, String def, List<String> allowed);

  /** A list of strings (a single value is a list of one); empty when absent. */
  List<String> strings(String name);

  /** Reports, as problems, the keys of this section that no reader asked for. */
  void finish();
}
