package dev.sluice.rules.postgres;

import dev.sluice.rules.store.RuleStore;
import dev.sluice.rules.contract.RuleStoreContract;
import dev.sluice.testkit.CuttableProxy;
import dev.sluice.testkit.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The rule-store contract on a real PostgreSQL (one server for the module, a database per test),
 * reached through a link the test can cut.
 */
class PostgresRuleStoreContractTest extends RuleStoreContract {
  static CuttableProxy link;
  String database;

  @BeforeAll
  static void startServer() {
    link = CuttableProxy.to(Postgres.shared().getPort());
  }

  @AfterAll
  static void closeLink() {
    link.close();
  }

  @Override
  protected void newBacking() {
    database = Postgres.createDatabase();
  }

  @Override
  protected RuleStore openStore() {
    return new PostgresRuleStore(new PostgresRuleStore.Settings(
        Postgres.jdbcUrl(link.port(), database), "postgres", "postgres", Duration.ofMillis(50),
        2), 1000);
  }

  @Override
  protected void corrupt() throws Exception {
    try (Connection c = DriverManager.getConnection(
            Postgres.jdbcUrl(Postgres.shared().getPort(), database), "postgres", "postgres");
        Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE rate_limit_configs SET algorithm = 'quantum'");
      st.executeUpdate("UPDATE rate_limit_ruleset SET version = version + 1");
    }
  }

  @Override
  protected void cut() {
    link.cut();
  }

  @Override
  protected void restore() {
    link.restore();
  }
}
