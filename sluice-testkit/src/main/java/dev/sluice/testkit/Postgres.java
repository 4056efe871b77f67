package dev.sluice.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real PostgreSQL servers for tests, on free ports: one shared per JVM (so per test module) by
 * {@link #shared()}, each test taking a database of its own from {@link #freshDatabase()}; or a
 * private server from {@link #startPrivate()} for tests that stop it.
 *
 * <p>Thread-safe.
 */
public final class Postgres {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedPostgres shared;

  private Postgres() {}

  /** The server shared by every test of this JVM, started on first use, stopped at exit. */
  public static synchronized EmbeddedPostgres shared() {
    if (shared == null) {
      shared = startPrivate();
      EmbeddedPostgres started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the JVM is exiting; the data directory is temporary
        }
      }, "sluice-testkit-postgres-stop"));
    }
    return shared;
  }

  /** A server of the caller's own, which it must close. */
  public static EmbeddedPostgres startPrivate() {
    try {
      return EmbeddedPostgres.builder().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL", e);
    }
  }

  /**
   * Creates an empty database on the shared server and returns its JDBC URL (user and password
   * {@code postgres}), so that tests sharing the server never see each other's tables.
   */
  public static String freshDatabase() {
    return jdbcUrl(shared().getPort(), createDatabase());
  }

  /** Creates an empty database on the shared server and returns its name. */
  public static String createDatabase() {
    EmbeddedPostgres pg = shared();
    String name = "sluice_test_" + DATABASES.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return name;
  }

  /** The JDBC URL of database {@code name} on the local server at {@code port}. */
  public static String jdbcUrl(int port, String name) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
  }
}
