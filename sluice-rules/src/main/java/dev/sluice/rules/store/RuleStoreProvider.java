package dev.sluice.rules.store;

import dev.sluice.spi.ConfigSection;
import java.nio.file.Path;

/**
 * A kind of rule store, found with {@link java.util.ServiceLoader} (register it in
 * {@code META-INF/services/dev.sluice.rules.store.RuleStoreProvider}); the service picks the one
 * whose {@link #name()} equals {@code rules.store}. This module provides {@code file}; the
 * {@code sluice-rules-postgres} module provides {@code postgres}.
 *
 * <p>Implementations have a public no-argument constructor and are thread-safe.
 */
public interface RuleStoreProvider {
  /** The value of {@code rules.store} that selects this provider. */
  String name();

  /**
   * Reads and validates this store's keys of the {@code rules} section, recording each problem
   * on it.
   *
   * @param rules the {@code rules} section
   * @param baseDir the folder of the configuration file, against which relative paths resolve
   * @param maxRules the most rules a set may hold
   */
  RuleStoreSpec read(ConfigSection rules, Path baseDir, int maxRules);

  /**
   * Marks this store's keys of the {@code rules} section as known without validating them, when
   * another store is selected (so a config can keep both stores' settings).
   */
  void skip(ConfigSection rules);
}
