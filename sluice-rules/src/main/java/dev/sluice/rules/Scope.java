package dev.sluice.rules;

import java.util.Locale;

/**
 * Whose requests a limit counts together. A rule whose limits have several scopes is decided
 * atomically over all of them (see {@code dev.sluice.rules.decide.RuleBook}).
 */
public enum Scope {
  /** The identified client: API key, else user id, else IP (the default). */
  CLIENT,
  /** The authenticated user; falls back to the client identity when no user is known. */
  USER,
  /** The client's organisation; a limit of this scope is skipped when no organisation is known. */
  ORG,
  /** The endpoint (method and path), shared by every client. */
  ENDPOINT,
  /** Every request the rule matches, shared by every client. */
  GLOBAL;

  /** The name used in JSON and YAML. */
  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a JSON name; null when it is none of the scopes. */
  public static Scope parse(String s) {
    for (Scope v : values()) {
      if (v.jsonName().equals(s)) {
        return v;
      }
    }
    return null;
  }
}
