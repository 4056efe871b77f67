package dev.sluice.rules.store;

import dev.sluice.rules.RuleSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A source of rule sets that can also be written. Implementations are thread-safe.
 *
 * <p>Contract (checked for every store by the rule-store contract test): {@link #update} is
 * atomic (readers see the old set or the new one, never a mix), applies its change to the set
 * stored now (not to a snapshot this process read earlier, so it never reverts a change another
 * process made) and is conditional on the entity tag; {@link #start} delivers every valid set the
 * store sees, including changes made by other processes, and never delivers an invalid one.
 *
 * <p>Stores are found through {@link RuleStoreProvider}.
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
   * Read-modify-write: applies {@code change} to the set stored now and stores the result, as one
   * atomic step against every writer of the store (other processes included). When the stored
   * set is invalid (edited by hand), the change applies to the last good set.
   *
   * @param change computes the next set from the stored one; it may throw to abort (nothing is
   *     written and the exception propagates unchanged)
   * @param ifMatch the entity tag the caller last saw, {@code *}, or null for unconditional
   * @return the set now stored
   * @throws PreconditionFailedException if {@code ifMatch} names another version
   * @throws StoreUnavailableException if the store cannot be read or written
   */
  RuleSet update(UnaryOperator<RuleSet> change, String ifMatch);

  /** Replaces the whole set: {@link #update} with a change that ignores the stored set. */
  default RuleSet replace(RuleSet next, String ifMatch) {
    return update(stored -> next, ifMatch);
  }

  /** Where the rules are, for a person: a file's path, a database's URL (never a password). */
  default String location() {
    return name();
  }

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
