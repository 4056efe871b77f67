package dev.sluice.rules.postgres;

import dev.sluice.rules.store.RuleStoreProvider;
import dev.sluice.rules.store.RuleStoreSpec;
import dev.sluice.spi.ConfigSection;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code rules.store: postgres}: the keys of the {@code rules.postgres} section are {@code url}
 * (required, {@code jdbc:postgresql://...}), {@code user}, {@code password},
 * {@code poll-interval} (default 1s) and {@code pool-size} (default 4). TLS is the driver's, set
 * in the URL: {@code ?sslmode=verify-full&sslrootcert=/abs/root.crt} (docs/tls.md).
 *
 * <p>Public only for {@link java.util.ServiceLoader}.
 */
public final class PostgresRuleStoreProvider implements RuleStoreProvider {
  /** The provider ServiceLoader instantiates. */
  public PostgresRuleStoreProvider() {}

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public RuleStoreSpec read(ConfigSection rules, Path baseDir, int maxRules) {
    ConfigSection pg = rules.section("postgres");
    String url = pg.string("url", null);
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      pg.problem("url", (url == null ? "is required" : "'" + url + "' is not")
          + " a JDBC URL of the form jdbc:postgresql://host:5432/db");
    }
    PostgresRuleStore.Settings settings = new PostgresRuleStore.Settings(url,
        pg.string("user", null), pg.string("password", null),
        pg.duration("poll-interval", Duration.ofSeconds(1), Duration.ofMillis(10)),
        pg.integer("pool-size", 4, 1, 64));
    pg.finish();
    return () -> new PostgresRuleStore(settings, maxRules);
  }

  @Override
  public void skip(ConfigSection rules) {
    rules.section("postgres");
  }
}
