/**
 * The PostgreSQL rule store ({@code rules.store: postgres}), found through
 * {@link dev.sluice.rules.store.RuleStoreProvider}; it exports nothing.
 */
// Flyway 13's jar names no module, so it is required by the name its file gives: say so once here
// instead of warning on every build.
@SuppressWarnings("requires-automatic")
module dev.sluice.rules.postgres {
  requires dev.sluice.rules;
  requires java.sql;
  requires com.zaxxer.hikari;
  requires flyway.core;
  requires org.slf4j;

  provides dev.sluice.rules.store.RuleStoreProvider
      with dev.sluice.rules.postgres.PostgresRuleStoreProvider;
}
