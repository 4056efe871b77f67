package dev.sluice.synced;

import dev.sluice.redis.Topology;
import java.time.Duration;

/**
 * The argument checks the synced and leased engines' builders share: each throws an
 * {@link IllegalArgumentException} naming the setting and the bad value.
 */
final class BuilderChecks {
  private BuilderChecks() {}

  /** A shared store both engines can sync with: any topology but client-side sharding. */
  static Topology sharedStore(Topology topology, String engine) {
    if (topology == null) {
      throw new IllegalArgumentException("topology must not be null");
    }
    if (topology instanceof Topology.Sharded s) {
      throw new IllegalArgumentException("the " + engine + " engine supports standalone, "
          + "sentinel and cluster topologies, not sharded (" + s.shards().size() + " shards)");
    }
    return topology;
  }

  /** {@code value}, which must not be null. */
  static <T> T notNull(String name, T value) {
    if (value == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return value;
  }

  /** A duration of at least {@code min}, in whole microseconds (engine time is microseconds). */
  static Duration wholeMicros(String name, Duration value, Duration min) {
    if (value == null || value.compareTo(min) < 0 || value.getNano() % 1_000 != 0) {
      throw new IllegalArgumentException(name + " " + value + " must be >= "
          + min.toMillis() + "ms and whole microseconds");
    }
    return value;
  }

  /** A duration of at least {@code min}. */
  static Duration atLeast(String name, Duration value, Duration min) {
    if (value == null || value.compareTo(min) < 0) {
      throw new IllegalArgumentException(name + " " + value + " must be >= " + min.toMillis()
          + "ms");
    }
    return value;
  }

  /** A string that is not blank. */
  static String notBlank(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " '" + value + "' must not be blank");
    }
    return value;
  }
}
