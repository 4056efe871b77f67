package dev.sluice.frontend;

import dev.sluice.frontend.metrics.ServerMetrics;
import dev.sluice.rules.Pipeline;
import dev.sluice.stats.TrafficStats;
import java.util.function.Consumer;

/**
 * A front end running on a {@link FrontendRuntime} (the service, the gateway): where it listens,
 * what it shares with the other front ends, and its graceful {@link #close}.
 *
 * <p>Thread-safe.
 */
public abstract class RunningFrontend implements AutoCloseable {
  private final FrontendRuntime runtime;
  private final String host;
  private volatile int port;

  /** A front end on {@code runtime} that listens on {@code host}. */
  protected RunningFrontend(FrontendRuntime runtime, String host) {
    this.runtime = runtime;
    this.host = host;
  }

  /**
   * Runs {@code listen} on the new front end {@code frontEnd} and returns it, closing it when
   * {@code listen} fails (a port in use).
   *
   * @throws RuntimeException what {@code listen} threw
   */
  protected static <F extends RunningFrontend> F listenOrClose(F frontEnd, Consumer<F> listen) {
    try {
      listen.accept(frontEnd);
    } catch (RuntimeException e) {
      frontEnd.close();
      throw e;
    }
    return frontEnd;
  }

  /** The runtime, for the subclass's listeners. */
  protected final FrontendRuntime runtime() {
    return runtime;
  }

  /** Records the port the main listener is bound to. */
  protected final void listening(int boundPort) {
    this.port = boundPort;
  }

  /** The port the front end listens on. */
  public int port() {
    return port;
  }

  /** The address the front end listens on. */
  public String host() {
    return host;
  }

  /** The shared pipeline (engine, rules, identity). */
  public Pipeline pipeline() {
    return runtime.pipeline();
  }

  /** The per-rule traffic statistics every front end over the pipeline feeds. */
  public TrafficStats stats() {
    return runtime.stats();
  }

  /** The metrics (for tests and embedding). */
  public ServerMetrics metrics() {
    return runtime.metrics();
  }

  /**
   * Stops gracefully ({@link FrontendRuntime#close}): stops accepting, lets requests in flight
   * finish within the drain timeout, then closes the pipeline (the engine and the store).
   * Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
  }
}
