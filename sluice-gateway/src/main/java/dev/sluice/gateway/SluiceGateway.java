package dev.sluice.gateway;

import dev.sluice.frontend.FrontendRuntime;
import dev.sluice.frontend.ListenerTls;
import dev.sluice.frontend.RunningFrontend;
import dev.sluice.frontend.StatsConfig;
import dev.sluice.frontend.http.Problem;
import dev.sluice.rules.config.ConfigException;
import dev.sluice.tls.TlsException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the shared rate-limit pipeline in front of routed, load-balanced, health
 * checked upstreams, on one event loop per core, with an admin listener for {@code /metrics}.
 * Start with {@link #start}, stop with {@link #close}. When started from a file it follows the
 * file: routes, upstreams, tiers and request limits reload without dropping connections; an
 * invalid change is refused (logged, naming the key) and the last good configuration stays.
 *
 * <p>Thread-safe.
 */
public final class SluiceGateway extends RunningFrontend {
  private static final Logger LOG = LoggerFactory.getLogger(SluiceGateway.class);

  /** The reloads of the config file run on these workers. */
  private static final int WORKERS = 2;

  private final GatewayConfig startConfig;
  private final Path file;
  private final GatewayMetrics metrics;
  private final LongSupplier clock = System::nanoTime;
  private final Vertx vertx;
  private final AtomicReference<Routing> routing = new AtomicReference<>();
  private final HttpClient healthClient;
  private final UpstreamTls upstreamTls;
  private HealthChecker checker;
  private String lastText;
  private volatile int adminPort = -1;

  private SluiceGateway(GatewayConfig config, Path file) {
    // The proxied requests feed the statistics (exported as sluice_rule_unique_clients);
    // the gateway has no stats section, so they keep the defaults.
    super(FrontendRuntime.start(config.pipeline(), StatsConfig.DEFAULTS,
        new FrontendRuntime.Settings(WORKERS, true, config.drainTimeout())), config.host());
    this.startConfig = config;
    this.file = file;
    this.metrics = new GatewayMetrics(runtime().metrics().registry());
    this.upstreamTls = new UpstreamTls(runtime()::openTls);
    upstreamTls.prepare(config);
    this.vertx = runtime().vertx();
    this.healthClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(4));
    Routing r = Routing.build(config, null, metrics, clock);
    routing.set(r);
    metrics.publish(r);
    checker = new HealthChecker(vertx, healthClient, upstreamTls, clock);
    checker.start(r);
    runtime().closeFirst(this::stopChecks);
  }

  /**
   * Starts a gateway and waits until it listens.
   *
   * @param file the file {@code config} was read from, followed for changes every
   *     {@code gateway.reload-interval}; null: no reloading
   * @throws IllegalStateException if the rules are invalid or a port cannot be bound
   */
  public static SluiceGateway start(GatewayConfig config, Path file) {
    Objects.requireNonNull(config, "config");
    return listenOrClose(new SluiceGateway(config, file), SluiceGateway::listen);
  }

  private void listen() {
    GatewayConfig c = startConfig;
    HttpServerOptions options = new HttpServerOptions().setTcpNoDelay(true)
        .setIdleTimeout((int) c.idleTimeout().toSeconds()).setCompressionSupported(false)
        .setMaxInitialLineLength(c.maxInitialLineBytes()).setMaxHeaderSize(c.maxHeaderBytes());
    if (c.tls() != null) {
      ListenerTls.apply(options, runtime().openTls(c.tls()));
    }
    listening(runtime().listen(c.host(), c.port(), v -> proxyServer(v, c, options)));
    if (c.adminPort() >= 0) {
      HttpServerOptions adminOptions = new HttpServerOptions().setHost(c.adminHost())
          .setPort(c.adminPort());
      if (c.adminTls() != null) {
        ListenerTls.apply(adminOptions, runtime().openTls(c.adminTls()));
      }
      adminPort = runtime().listenOnce(adminOptions, req -> {
            switch (req.path()) {
              case "/metrics" -> req.response()
                  .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                  .end(scrape());
              case "/healthz" -> req.response().putHeader("Content-Type", "application/json")
                  .end("{\"status\":\"ok\",\"rules\":"
                      + pipeline().book().ruleSet().rules().size() + "}");
              default -> Problem.send(req.response(), 404, "not-found", "Not Found",
                  "the admin listener serves /metrics and /healthz");
            }
          });
    }
    if (file != null) {
      try {
        lastText = Files.readString(file);
      } catch (IOException e) {
        lastText = null;
      }
      if (!c.reloadInterval().isZero()) {
        vertx.setPeriodic(c.reloadInterval().toMillis(),
            id -> vertx.executeBlocking(() -> {
              reloadIfChanged();
              return null;
            }, false));
      }
    }
  }

  private synchronized void reloadIfChanged() {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      return; // being replaced; the next tick sees the new file
    }
    if (text.equals(lastText)) {
      return;
    }
    lastText = text;
    try {
      reload();
    } catch (ConfigException e) {
      LOG.warn("gateway config {} refused, the previous one stays in force: {}", file,
          e.getMessage());
    }
  }

  /**
   * Reads the file again and puts its routes, upstreams, tiers and request limits in force;
   * requests in flight finish on the version they started with. Listener addresses, the
   * engine, the rule store and identity are read at start only (a change is logged).
   *
   * @throws ConfigException naming every wrong key; the configuration in force stays
   * @throws IllegalStateException if the gateway was started without a file
   */
  public synchronized void reload() {
    if (file == null) {
      throw new IllegalStateException("started without a config file: nothing to reload");
    }
    GatewayConfig next;
    try {
      next = GatewayConfig.load(file);
    } catch (ConfigException e) {
      metrics.reloads("failure").increment();
      throw e;
    }
    GatewayConfig now = routing.get().config();
    if (!next.host().equals(now.host()) || next.port() != now.port()
        || next.adminPort() != now.adminPort() || !next.adminHost().equals(now.adminHost())) {
      LOG.warn("gateway.host, gateway.port and gateway.admin are read at start only; "
          + "restart to change them");
    }
    Routing r = Routing.build(next, routing.get(), metrics, clock);
    try {
      upstreamTls.prepare(next);
    } catch (TlsException e) {
      // the files changed again between their check and now: refused like any bad change
      metrics.reloads("failure").increment();
      throw new ConfigException(List.of(e.getMessage()));
    }
    HealthChecker nextChecker = new HealthChecker(vertx, healthClient, upstreamTls, clock);
    routing.set(r);
    metrics.publish(r);
    checker.stop();
    checker = nextChecker;
    nextChecker.start(r);
    metrics.reloads("success").increment();
    LOG.info("gateway config reloaded: {} route(s), {} upstream(s)", r.routes().size(),
        r.pools().size());
  }

  /** The port of the admin listener, -1 when there is none. */
  public int adminPort() {
    return adminPort;
  }

  /** The Prometheus text of every metric (what the admin listener's /metrics serves). */
  public String scrape() {
    return metrics().scrape();
  }

  private synchronized void stopChecks() {
    if (checker != null) {
      checker.stop();
    }
  }

  /** One listener and one upstream pool per event loop (made on that loop's context). */
  private HttpServer proxyServer(Vertx v, GatewayConfig c, HttpServerOptions options) {
    HttpClient client = v.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setKeepAliveTimeout(60).setTcpNoDelay(true).setDecompressionSupported(false)
        .setMaxHeaderSize(64 * 1024).setMaxInitialLineLength(16 * 1024),
        new PoolOptions().setHttp1MaxSize(c.maxConnectionsPerHost()));
    // For upstreams with http2: true; the protocol is the one ALPN settles on with each host.
    HttpClient h2 = v.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setKeepAliveTimeout(60).setTcpNoDelay(true).setDecompressionSupported(false)
        .setMaxHeaderSize(64 * 1024).setMaxInitialLineLength(16 * 1024)
        .setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true),
        new PoolOptions().setHttp1MaxSize(c.maxConnectionsPerHost()));
    WebSocketClient webSockets = v.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20));
    ProxyHandler handler = new ProxyHandler(v, client, h2, upstreamTls, webSockets, pipeline(),
        routing::get, metrics, clock, c.pipeline().identity().trustedProxies());
    return v.createHttpServer(options).requestHandler(handler);
  }
}
