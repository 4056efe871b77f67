package dev.sluice.rules.store;

/** A validated rule-store configuration, read by a {@link RuleStoreProvider}; immutable. */
@FunctionalInterface
public interface RuleStoreSpec {
  /**
   * Opens the store. It may read at once (the file store reads its file and refuses an invalid
   * one) or when {@link RuleStore#start} is called.
   *
   * @throws IllegalStateException when the store cannot be opened, naming why
   */
  RuleStore open();
}
