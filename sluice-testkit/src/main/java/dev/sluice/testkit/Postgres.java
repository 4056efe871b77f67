package dev.sluice.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
   * A server of the caller's own with {@code ssl=on}, serving the PEM chain {@code cert} with
   * {@code key} (copied beside the data with the owner-only mode PostgreSQL demands of a key);
   * plaintext connections are still accepted, as PostgreSQL's default {@code pg_hba} allows.
   */
  public static EmbeddedPostgres startPrivateWithSsl(Path cert, Path key) {
    try {
      Path dir = Files.createTempDirectory("sluice-pg-ssl");
      dir.toFile().deleteOnExit();
      Path c = Files.copy(cert, dir.resolve("server.crt"));
      Path k = Files.copy(key, dir.resolve("server.key"));
      c.toFile().deleteOnExit();
      k.toFile().deleteOnExit();
      Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-------"));
      return EmbeddedPostgres.builder()
          .setServerConfig("ssl", "on")
          .setServerConfig("ssl_cert_file", c.toString())
          .setServerConfig("ssl_key_file", k.toString())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL with ssl=on", e);
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
