package dev.sluice.frontend.cli;

import dev.sluice.rules.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What the commands that run a front end ({@code sluice serve}, {@code sluice gateway}) share:
 * the configuration file's checks, the exit codes, and running until the process is told to
 * stop. Exit codes: 0 stopped, 2 invalid configuration, 3 could not start.
 *
 * @param <C> the configuration
 * @param <R> the running front end; its {@code close} stops it gracefully
 */
public final class Launcher<C, R extends AutoCloseable> {
  /** The configuration file is missing or invalid. */
  public static final int INVALID_CONFIG = 2;
  /** The front end could not start (a port in use, an unreadable rules file). */
  public static final int CANNOT_START = 3;

  private final String command;
  private final Function<Path, C> load;
  private final Function<C, R> start;

  /**
   * A launcher for {@code command} (e.g. {@code sluice serve}, the prefix of every error line).
   *
   * @param load reads and validates the file, throwing {@link ConfigException} naming every
   *     wrong key
   * @param start starts the front end, throwing a {@link RuntimeException} when it cannot
   */
  public Launcher(String command, Function<Path, C> load, Function<C, R> start) {
    this.command = command;
    this.load = load;
    this.start = start;
  }

  /**
   * Loads {@code file}, starts the front end, prints {@code banner} and runs until the JVM shuts
   * down (SIGTERM, Ctrl-C), then closes the front end, which lets requests in flight finish.
   *
   * @return the exit code when it could not start; when it ran, it never returns: the process
   *     exits 0 once the front end is closed
   */
  public int run(Path file, PrintWriter out, PrintWriter err, BiConsumer<C, R> banner)
      throws InterruptedException {
    if (!Files.isRegularFile(file)) {
      err.println(command + ": config file " + file.toAbsolutePath() + " does not exist "
          + "(--config FILE)");
      return INVALID_CONFIG;
    }
    C config;
    try {
      config = load.apply(file);
    } catch (ConfigException e) {
      err.println(command + ": " + file + ": " + e.getMessage());
      return INVALID_CONFIG;
    }
    R running;
    try {
      running = start.apply(config);
    } catch (RuntimeException e) {
      err.println(command + ": cannot start: " + e.getMessage());
      return CANNOT_START;
    }
    banner.accept(config, running);
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } catch (Exception e) {
        err.println(command + ": stopping: " + e);
        err.flush();
      }
      stopped.countDown();
      // The JVM reports 128 + the signal's number for a shutdown a signal started; the front
      // end has stopped cleanly (in-flight requests drained), so the process says so: 0.
      Runtime.getRuntime().halt(0);
    }, command.replace(' ', '-') + "-shutdown"));
    stopped.await();
    return 0;
  }
}
