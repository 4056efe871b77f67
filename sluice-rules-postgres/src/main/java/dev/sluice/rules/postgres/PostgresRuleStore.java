package dev.sluice.rules.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.Algorithm;
import dev.sluice.rules.LimitDefinition;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.RuleSet;
import dev.sluice.rules.RuleSetCodec;
import dev.sluice.rules.Violation;
import dev.sluice.rules.store.PreconditionFailedException;
import dev.sluice.rules.store.RuleStore;
import dev.sluice.rules.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.flywaydb.core.Flyway;

/**
 * Rules in PostgreSQL: the seed's {@code rate_limit_rules} and {@code rate_limit_configs}, created
 * and extended by the Flyway migrations in {@code db/sluice}.
 *
 * <p>Propagation. A write bumps {@code rate_limit_ruleset.version} in the same transaction; every
 * instance reads that one row every {@code poll-interval} and reloads the set when it moved. So a
 * change made through any instance is in force on every instance within one poll interval plus
 * the time of one read (default 1 s). The instance that made the change applies it at once.
 *
 * <p>Outages. Rules live in memory; a failed read or an invalid set in the tables is reported and
 * the last good rules stay in force. While the database has never been read (it was down at
 * start), the service runs with no rules and {@code /readyz} says not ready.
 *
 * <p>Concurrency. A write locks the version row ({@code SELECT ... FOR UPDATE}), compares the
 * caller's entity tag with the tag of the rows it then reads, and replaces all rows, so two
 * conditional writes through different instances never both succeed on the same version.
 */
public final class PostgresRuleStore implements RuleStore {
  /**
   * Where the rules live.
   *
   * @param url JDBC URL ({@code jdbc:postgresql://host:5432/db})
   * @param user user name
   * @param password password
   * @param pollInterval how often each instance looks for a change: the bound on propagation
   * @param poolSize connections per instance
   */
  public record Settings(String url, String user, String password, Duration pollInterval,
      int poolSize) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Settings config;
  private final int maxRules;
  private final HikariDataSource pool;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().daemon().name("sluice-rules-postgres").unstarted(r));
  private final Object lock = new Object();
  private volatile RuleSet current;
  private volatile boolean reachable;
  private volatile boolean migrated;
  private long seenVersion = Long.MIN_VALUE;
  private boolean lastFailed;
  private Consumer<RuleSet> onChange = s -> { };
  private FailureListener onFailure = (r, m) -> { };

  /** A store on the configured database; connects lazily. */
  public PostgresRuleStore(Settings config, int maxRules) {
    this.config = config;
    this.maxRules = maxRules;
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl(config.url());
    hc.setUsername(config.user());
    hc.setPassword(config.password());
    hc.setMaximumPoolSize(config.poolSize());
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(2_000);
    hc.setValidationTimeout(1_000);
    hc.setInitializationFailTimeout(-1); // start even when the database is down
    hc.setPoolName("sluice-rules");
    this.pool = new HikariDataSource(hc);
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public String location() {
    return "PostgreSQL " + config.url();
  }

  @Override
  public void start(Consumer<RuleSet> onChange, FailureListener onFailure) {
    this.onChange = onChange;
    this.onFailure = onFailure;
    poll();
    long ms = Math.max(1, config.pollInterval().toMillis());
    timer.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void migrate() {
    if (!migrated) {
      Flyway.configure().dataSource(pool).locations("classpath:db/sluice")
          .table("sluice_schema_history").load().migrate();
      migrated = true;
    }
  }

  private void poll() {
    synchronized (lock) {
      try {
        migrate();
        try (Connection c = pool.getConnection()) {
          long version = readVersion(c, false);
          reachable = true;
          if (version != seenVersion || current == null) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
              version = readVersion(c, false);
              Object loaded = readRules(c);
              c.commit();
              seenVersion = version;
              if (loaded instanceof String problem) {
                failed("invalid", "rules in PostgreSQL are invalid, keeping the last good "
                    + "rules: " + problem);
                return;
              }
              RuleSet next = (RuleSet) loaded;
              lastFailed = false;
              if (current == null || !next.etag().equals(current.etag())) {
                current = next;
                onChange.accept(next);
              }
            } finally {
              c.rollback();
              c.setAutoCommit(true);
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        reachable = false;
        failed("unavailable", "PostgreSQL rule store unreachable ("
            + e.getClass().getSimpleName() + ": " + e.getMessage() + "); keeping "
            + (current == null ? "no rules (none loaded yet)"
                : "the " + current.rules().size() + " rules in force"));
      }
    }
  }

  private void failed(String reason, String message) {
    if (!lastFailed) { // report each outage once, not every poll
      onFailure.failed(reason, message);
    }
    lastFailed = true;
  }

  private static long readVersion(Connection c, boolean forUpdate) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version FROM rate_limit_ruleset WHERE id = 1"
            + (forUpdate ? " FOR UPDATE" : ""))) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** The set in the tables, or a description of what is invalid in them. */
  private Object readRules(Connection c) throws SQLException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode rules = root.putArray("rules");
    Map<UUID, ArrayNode> limitsOf = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT rule_id, name, match_path, match_method, "
            + "match_headers, priority, shadow FROM rate_limit_rules WHERE enabled "
            + "IS NOT FALSE ORDER BY position, name")) {
      while (rs.next()) {
        ObjectNode r = rules.addObject();
        r.put("id", rs.getString("name"));
        r.put("priority", rs.getInt("priority"));
        r.put("shadow", rs.getBoolean("shadow"));
        ObjectNode m = r.putObject("match");
        if (rs.getString("match_path") != null) {
          m.put("path", rs.getString("match_path"));
        }
        String methods = rs.getString("match_method");
        if (methods != null && !methods.isBlank()) {
          ArrayNode ma = m.putArray("method");
          for (String s : methods.split(",")) {
            ma.add(s.trim());
          }
        }
        String headers = rs.getString("match_headers");
        if (headers != null) {
          try {
            m.set("headers", JSON.readTree(headers));
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            m.put("headers", headers);
          }
        }
        limitsOf.put(rs.getObject("rule_id", UUID.class), r.putArray("limits"));
      }
    }
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT rule_id, window_seconds, window_micros, "
            + "max_requests, burst_size, algorithm, scope FROM rate_limit_configs "
            + "ORDER BY rule_id, position")) {
      while (rs.next()) {
        ArrayNode ls = limitsOf.get(rs.getObject("rule_id", UUID.class));
        if (ls == null) {
          continue; // a limit of a disabled rule
        }
        ObjectNode l = ls.addObject();
        long micros = rs.getLong("window_micros");
        l.put("window", rs.wasNull() ? rs.getLong("window_seconds") + "s" : micros + "us");
        l.put("max", rs.getLong("max_requests"));
        l.put("algorithm", rs.getString("algorithm"));
        long burst = rs.getLong("burst_size");
        if (!rs.wasNull()) {
          l.put("burst", burst);
        }
        l.put("scope", rs.getString("scope"));
      }
    }
    return switch (RuleSetCodec.parse(root, maxRules)) {
      case RuleSetCodec.Valid v -> v.ruleSet();
      case RuleSetCodec.Invalid i -> Violation.describe(i.violations());
    };
  }

  @Override
  public RuleSet update(UnaryOperator<RuleSet> change, String ifMatch) {
    synchronized (lock) {
      RuleSet next;
      try {
        migrate();
        try (Connection c = pool.getConnection()) {
          c.setAutoCommit(false);
          try {
            long version = readVersion(c, true);
            Object stored = readRules(c);
            String etag = stored instanceof RuleSet s ? s.etag() : "\"invalid\"";
            if (!RuleStore.matches(ifMatch, etag)) {
              throw new PreconditionFailedException(etag);
            }
            // Under the row lock: the change sees what is stored, whoever wrote it last.
            RuleSet base = stored instanceof RuleSet valid ? valid : current;
            next = change.apply(base == null ? RuleSet.empty() : base);
            write(c, next);
            try (PreparedStatement ps = c.prepareStatement(
                "UPDATE rate_limit_ruleset SET version = ?, updated_at = now() WHERE id = 1")) {
              ps.setLong(1, version + 1);
              ps.executeUpdate();
            }
            c.commit();
            seenVersion = version + 1;
          } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
          } finally {
            c.setAutoCommit(true);
          }
        }
      } catch (SQLException e) {
        reachable = false;
        throw new StoreUnavailableException("PostgreSQL rule store unreachable", e);
      }
      reachable = true;
      lastFailed = false;
      current = next;
      onChange.accept(next);
      return next;
    }
  }

  private static void write(Connection c, RuleSet next) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.executeUpdate("DELETE FROM rate_limit_configs");
      st.executeUpdate("DELETE FROM rate_limit_rules");
    }
    Timestamp now = Timestamp.from(Instant.now());
    try (PreparedStatement rules = c.prepareStatement("INSERT INTO rate_limit_rules (rule_id, "
            + "name, match_path, match_method, match_headers, priority, enabled, created_at, "
            + "updated_at, shadow, position) VALUES (?, ?, ?, ?, ?::jsonb, ?, true, ?, ?, ?, ?)");
        PreparedStatement limits = c.prepareStatement("INSERT INTO rate_limit_configs "
            + "(config_id, rule_id, window_seconds, max_requests, burst_size, window_micros, "
            + "algorithm, scope, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      int pos = 0;
      for (RuleDefinition r : next.rules()) {
        UUID id = UUID.randomUUID();
        rules.setObject(1, id);
        rules.setString(2, r.id());
        rules.setString(3, r.match().path());
        rules.setString(4, r.match().methods().isEmpty() ? null
            : String.join(",", r.match().methods()));
        JsonNode h = RuleSetCodec.write(r).get("match").get("headers");
        rules.setString(5, h.toString());
        rules.setInt(6, r.priority());
        rules.setTimestamp(7, now);
        rules.setTimestamp(8, now);
        rules.setBoolean(9, r.shadow());
        rules.setInt(10, pos++);
        rules.addBatch();
        int lpos = 0;
        for (LimitDefinition ld : r.limits()) {
          long micros = ld.limit().windowMicros();
          limits.setObject(1, UUID.randomUUID());
          limits.setObject(2, id);
          limits.setInt(3, (int) Math.min(Integer.MAX_VALUE, micros / 1_000_000));
          limits.setLong(4, ld.limit().permits());
          Algorithm a = ld.limit().algorithm();
          if (a == Algorithm.TOKEN_BUCKET || a == Algorithm.GCRA) {
            limits.setLong(5, ld.limit().burst());
          } else {
            limits.setNull(5, java.sql.Types.BIGINT);
          }
          limits.setLong(6, micros);
          limits.setString(7, a.name().toLowerCase(Locale.ROOT).replace('_', '-'));
          limits.setString(8, ld.scope().jsonName());
          limits.setInt(9, lpos++);
          limits.addBatch();
        }
      }
      rules.executeBatch();
      limits.executeBatch();
    }
  }

  @Override
  public boolean reachable() {
    return reachable && current != null;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    pool.close();
  }
}
