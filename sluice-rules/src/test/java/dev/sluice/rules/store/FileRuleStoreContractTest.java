package dev.sluice.rules.store;

import dev.sluice.rules.contract.RuleStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The rule-store contract on a real file; an outage is the file moved away. */
class FileRuleStoreContractTest extends RuleStoreContract {
  @TempDir
  Path dir;
  Path file;

  @Override
  protected void newBacking() throws Exception {
    file = dir.resolve("rules.yaml");
    Files.writeString(file, "rules: []\n");
  }

  @Override
  protected RuleStore openStore() {
    return new FileRuleStore(file, Duration.ofMillis(50), 1000);
  }

  @Override
  protected void corrupt() throws Exception {
    Files.writeString(file, "rules:\n  - id: broken\n    limits: [{window: soon, max: -1}]\n");
  }

  @Override
  protected void cut() throws Exception {
    Files.move(file, dir.resolve("rules.yaml.away"));
  }

  @Override
  protected void restore() throws Exception {
    Files.move(dir.resolve("rules.yaml.away"), file);
  }
}
