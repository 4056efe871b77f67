package dev.sluice.server;

import dev.sluice.frontend.FrontendRuntime;
import dev.sluice.frontend.ListenerTls;
import dev.sluice.frontend.RunningFrontend;
import dev.sluice.frontend.ServeExtension;
import dev.sluice.server.config.ServerConfig;
import dev.sluice.server.http.HttpApi;
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
public final class SluiceServer extends RunningFrontend {
  /** Rule-store writes of the rules API run on these workers. */
  private static final int WORKERS = 8;

  private final ServerConfig config;
  private volatile List<String> banners = List.of();

  private SluiceServer(ServerConfig config) {
    super(FrontendRuntime.start(config.pipeline(), config.stats(),
        new FrontendRuntime.Settings(WORKERS, false, config.drainTimeout())), config.host());
    this.config = config;
  }

  /**
   * Starts a server and waits until it listens.
   *
   * @throws IllegalStateException if the rules file is invalid or the port cannot be bound
   */
  public static SluiceServer start(ServerConfig config) {
    return listenOrClose(new SluiceServer(config), SluiceServer::listen);
  }

  private void listen() {
    FrontendRuntime runtime = runtime();
    HttpApi api = new HttpApi(config, runtime.pipeline(), runtime.metrics(), runtime.stats());
    HttpServerOptions options = new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(120)
        .setCompressionSupported(false).setMaxInitialLineLength(8192).setMaxHeaderSize(16384);
    if (config.tls() != null) {
      ListenerTls.apply(options, runtime.openTls(config.tls()));
    }
    listening(runtime.listen(config.host(), config.port(),
        vertx -> vertx.createHttpServer(options).requestHandler(api.handler(vertx))));
    banners = runtime.startExtensions(config.extensions());
  }

  /** What the other front ends print once they listen ({@link ServeExtension.Running#banner}). */
  public List<String> banners() {
    return banners;
  }
}
