package dev.sluice.server;

import dev.sluice.frontend.FrontendRuntime;
import dev.sluice.frontend.ServeExtension;
import dev.sluice.frontend.metrics.ServerMetrics;
import dev.sluice.rules.Pipeline;
import dev.sluice.server.config.ServerConfig;
import dev.sluice.server.http.HttpApi;
import dev.sluice.stats.TrafficStats;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;

/**
 * A running Sluice service: the engine, the rule store and the HTTP API on one event loop per
 * core, with the other front ends of {@link ServerConfig#extensions()} beside it. Start with
 * {@link #start}, stop with {@link #close} (graceful: requests in flight finish within
 * {@code server.drain-timeout}).
 *
 * <p>Thread-safe.
 */
public final class SluiceServer implements AutoCloseable {
  /** Rule-store writes of the rules API run on these workers. */
  private static final int WORKERS = 8;

  private final ServerConfig config;
  private final FrontendRuntime runtime;
  private volatile int port;
  private volatile List<String> banners = List.of();

  private SluiceServer(ServerConfig config) {
    this.config = config;
    this.runtime = FrontendRuntime.start(config.pipeline(), config.stats(),
        new FrontendRuntime.Settings(WORKERS, false, config.drainTimeout()));
  }

  /**
   * Starts a server and waits until it listens.
   *
   * @throws IllegalStateException if the rules file is invalid or the port cannot be bound
   */
  public static SluiceServer start(ServerConfig config) {
    SluiceServer s = new SluiceServer(config);
    try {
      s.listen();
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void listen() {
    HttpApi api = new HttpApi(config, runtime.pipeline(), runtime.metrics(), runtime.stats());
    HttpServerOptions options = new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(120)
        .setCompressionSupported(false).setMaxInitialLineLength(8192).setMaxHeaderSize(16384);
    port = runtime.listen(config.host(), config.port(),
        vertx -> vertx.createHttpServer(options).requestHandler(api.handler(vertx)));
    banners = runtime.startExtensions(config.extensions());
  }

  /** What the other front ends print once they listen ({@link ServeExtension.Running#banner}). */
  public List<String> banners() {
    return banners;
  }

  /** The pipeline this server is the HTTP front end of (other front ends may share it). */
  public Pipeline pipeline() {
    return runtime.pipeline();
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The address the server listens on. */
  public String host() {
    return config.host();
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
   * Stops gracefully: stops accepting, lets requests in flight finish within
   * {@code server.drain-timeout}, then closes the other front ends and the pipeline (the engine
   * and the store). Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
  }
}
