package dev.sluice.rules.store;

/** The rule store could not be read or written. */
public final class StoreUnavailableException extends RuntimeException {
  /** Wraps the cause. */
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
