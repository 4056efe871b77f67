package dev.sluice.rules.config;

import java.util.List;

/** An invalid configuration: every problem names the key and what is wrong with it. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  /** An exception listing {@code problems}, each {@code "key: why"}. */
  public ConfigException(List<String> problems) {
    super("invalid configuration:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code "key: why"}. */
  public List<String> problems() {
    return problems;
  }
}
