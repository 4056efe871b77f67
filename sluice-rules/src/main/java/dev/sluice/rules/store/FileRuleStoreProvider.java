package dev.sluice.rules.store;

import dev.sluice.spi.ConfigSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rules.store: file}. Keys: {@code file} (the YAML rules, relative to the configuration
 * file; default {@code rules.yaml}), {@code reload-interval} (default 1s) and
 * {@code working-copy}.
 *
 * <p>Without {@code working-copy} the store reads and writes {@code file}: a {@code PUT} of the
 * rules rewrites it. With {@code working-copy: PATH}, {@code file} is only the seed: the store
 * reads and writes the copy, so the seed (for example a file under version control) is never
 * rewritten. The copy is made from the seed when it does not exist or when the seed was modified
 * after it (the newer edit wins, and the log says so).
 *
 * <p>Public only for {@link java.util.ServiceLoader}.
 */
public final class FileRuleStoreProvider implements RuleStoreProvider {
  private static final Logger LOG = LoggerFactory.getLogger(FileRuleStoreProvider.class);

  /** The provider ServiceLoader instantiates. */
  public FileRuleStoreProvider() {}

  @Override
  public String name() {
    return "file";
  }

  @Override
  public RuleStoreSpec read(ConfigSection rules, Path baseDir, int maxRules) {
    Path seed = baseDir.resolve(rules.string("file", "rules.yaml")).normalize();
    Duration reload = rules.duration("reload-interval", Duration.ofSeconds(1),
        Duration.ofMillis(10));
    String copyName = rules.string("working-copy", null);
    Path copy = copyName == null || copyName.isBlank() ? null
        : baseDir.resolve(copyName).normalize();
    if (!Files.isRegularFile(seed)) {
      rules.problem("file", "'" + seed + "' does not exist or is not a file");
    }
    if (seed.equals(copy)) {
      rules.problem("working-copy", "'" + copy + "' is the rules file itself");
    }
    return () -> {
      Path file = copy == null ? seed : workingCopy(seed, copy);
      FileRuleStore store = new FileRuleStore(file, reload, maxRules);
      store.loadInitial(); // an invalid rules file at start refuses to start
      return store;
    };
  }

  @Override
  public void skip(ConfigSection rules) {
    rules.string("file", null);
    rules.string("reload-interval", null);
    rules.string("working-copy", null);
  }

  private static Path workingCopy(Path seed, Path copy) {
    try {
      boolean fresh = !Files.exists(copy);
      if (fresh || Files.getLastModifiedTime(seed).compareTo(Files.getLastModifiedTime(copy)) > 0) {
        Files.createDirectories(copy.toAbsolutePath().getParent());
        Files.copy(seed, copy, StandardCopyOption.REPLACE_EXISTING);
        LOG.info("rules: {} copied to the working copy {}{}; rule changes are written there",
            seed, copy, fresh ? "" : " (the rules file is newer than the copy)");
      } else {
        LOG.info("rules: reading the working copy {} (delete it to start again from {})",
            copy, seed);
      }
      return copy;
    } catch (IOException e) {
      throw new IllegalStateException("cannot make the working copy " + copy + " of " + seed
          + ": " + e, e);
    }
  }
}
