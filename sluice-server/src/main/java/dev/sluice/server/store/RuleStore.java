package dev.sluice.server.store;

import dev.sluice.server.rules.RuleSet;
import java.util.function.Consumer;

/**
 * A source of rule sets that can also be written. Implementations are thread-safe.
 *
 * <p>Contract: {@link #replace} is atomic (readers see the old set or the new one, never a mix)
 * and conditional on the entity tag; {@link #start} delivers every valid set the store sees,
 * including changes made by other processes, and never delivers an invalid one.
 */
public interface RuleStore extends AutoCloseable {

  /** {@code file} or {@code postgres}: the tag of the reload metrics. */
  String name();

  /**
   * Starts watching: calls {@code onChange} with the first set as soon as it is read, and again
   * with every later valid change; {@code onFailure} with a reason category and a message each
   * time a read fails or finds an invalid set (the previous set stays in force).
   */
  void start(Consumer<RuleSet> onChange, FailureListener onFailure);

  /**
   * Replaces the whole set.
   *
   * @param ifMatch the entity tag the caller last saw, {@code *}, or null for unconditional
   * @return the set now stored
   * @throws PreconditionFailedException if {@code ifMatch} names another version
   * @throws StoreUnavailableException if the store cannot be written
   */
  RuleSet replace(RuleSet next, String ifMatch);

  /** Whether the store answered its last read. */
  boolean reachable();

  @Override
  void close();

  /** Told about a failed read. */
  @FunctionalInterface
  interface FailureListener {
    /**
     * @param reason a short category for the metric ({@code invalid}, {@code unreadable},
     *     {@code unavailable})
     * @param message what went wrong, for the log
     */
    void failed(String reason, String message);
  }

  /** Whether {@code ifMatch} (an If-Match header value) matches {@code etag}. */
  static boolean matches(String ifMatch, String etag) {
    if (ifMatch == null) {
      return true;
    }
    for (String t : ifMatch.split(",")) {
      String s = t.trim();
      if (s.equals("*") || s.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
