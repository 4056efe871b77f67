package dev.sluice.synced;

/**
 * What the synced and leased engines keep of one client under one rule, guarded by its own
 * monitor: a decision holds it, and a multi-key check holds those of all its parts.
 */
abstract class ClientState {
  final String client;
  /** Removed from its rule's map by eviction: a check that finds it must look again. */
  boolean removed;

  ClientState(String client) {
    this.client = client;
  }

  /** Whether eviction may drop this state at {@code now}: it has nothing left to do. */
  abstract boolean evictable(long now);
}
