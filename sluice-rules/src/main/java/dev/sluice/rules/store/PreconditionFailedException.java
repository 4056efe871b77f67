package dev.sluice.rules.store;

/** A conditional write named a version that is no longer current. */
public final class PreconditionFailedException extends RuntimeException {
  private final String currentEtag;

  /** The current version is {@code currentEtag}. */
  public PreconditionFailedException(String currentEtag) {
    super("the rules changed: the current version is " + currentEtag);
    this.currentEtag = currentEtag;
  }

  /** The version now stored. */
  public String currentEtag() {
    return currentEtag;
  }
}
