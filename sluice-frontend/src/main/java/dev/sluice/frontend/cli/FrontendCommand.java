package dev.sluice.frontend.cli;

import dev.sluice.rules.config.ConfigException;
import dev.sluice.tls.TlsException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What the commands that run a front end ({@code sluice serve}, {@code sluice gateway}) share:
 * the {@code --port} option, the configuration file's checks, the exit codes, and running until
 * the process is told to stop. Exit codes: 0 stopped, 2 invalid configuration, 3 could not
 * start.
 *
 * @param <C> the configuration
 * @param <R> the running front end; its {@code close} stops it gracefully
 */
@Command(mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped", "2:invalid configuration", "3:could not start"})
public abstract class FrontendCommand<C, R extends AutoCloseable> implements Callable<Integer> {
  /** The configuration file is missing or invalid. */
  public static final int INVALID_CONFIG = 2;
  /** The front end could not start (a port in use, an unreadable rules file). */
  public static final int CANNOT_START = 3;

  /** The command line, for its output streams. */
  @Spec
  protected CommandSpec spec;

  /** The configuration file. */
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "The configuration file (default: ${DEFAULT-VALUE}).")
  protected Path config;

  /** The port to listen on instead of the configured one; null: the configured one. */
  @Option(names = {"-p", "--port"}, paramLabel = "PORT",
      description = "Listen on this port instead of the configured one (0: any free port).")
  protected Integer port;

  private final Function<Path, C> load;
  private final BiFunction<C, Integer, C> withPort;
  private final BiFunction<C, Path, R> start;

  /**
   * A command reading {@code defaultConfig} unless {@code --config} names another file.
   *
   * @param load reads and validates a file, throwing {@link ConfigException} naming every wrong
   *     key
   * @param withPort a configuration listening on another port (the {@code --port} option)
   * @param start starts the front end from a configuration and the file it was read from,
   *     throwing a {@link RuntimeException} when it cannot
   */
  protected FrontendCommand(Path defaultConfig, Function<Path, C> load,
      BiFunction<C, Integer, C> withPort, BiFunction<C, Path, R> start) {
    this.config = defaultConfig;
    this.load = load;
    this.withPort = withPort;
    this.start = start;
  }

  /** Prints where the running front end listens. */
  protected abstract void banner(C config, R running, PrintWriter out);

  /**
   * Loads the file, starts the front end, prints the banner and runs until the JVM shuts down
   * (SIGTERM, Ctrl-C), then closes the front end, which lets requests in flight finish.
   *
   * @return the exit code when it could not start; once it ran, the process exits 0 when the
   *     front end is closed
   */
  @Override
  public Integer call() throws InterruptedException {
    String command = spec.qualifiedName();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path file = config;
    if (!Files.isRegularFile(file)) {
      err.println(command + ": config file " + file.toAbsolutePath() + " does not exist "
          + "(--config FILE)");
      return INVALID_CONFIG;
    }
    C loaded;
    try {
      loaded = load.apply(file);
      if (port != null) {
        loaded = withPort.apply(loaded, port);
      }
    } catch (ConfigException e) {
      err.println(command + ": " + file + ": " + e.getMessage());
      return INVALID_CONFIG;
    }
    R running;
    try {
      running = start.apply(loaded, file);
    } catch (TlsException e) {
      // certificates that changed between the check of the file and the start: the same
      // configuration error, named the same way
      err.println(command + ": " + file + ": " + e.getMessage());
      return INVALID_CONFIG;
    } catch (RuntimeException e) {
      err.println(command + ": cannot start: " + e.getMessage());
      return CANNOT_START;
    }
    banner(loaded, running, out);
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
      // end has stopped cleanly (requests in flight drained), so the process says so: 0.
      Runtime.getRuntime().halt(0);
    }, command.replace(' ', '-') + "-shutdown"));
    stopped.await();
    return 0;
  }
}
