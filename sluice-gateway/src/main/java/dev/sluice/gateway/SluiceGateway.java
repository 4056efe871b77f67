package dev.sluice.gateway;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.config.ConfigException;
import dev.sluice.server.http.Problem;
import dev.sluice.server.config.StatsSettings;
import dev.sluice.server.metrics.ServerMetrics;
import dev.sluice.server.metrics.StatsMetrics;
import dev.sluice.stats.TrafficStats;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
public final class SluiceGateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SluiceGateway.class);

  private final GatewayConfig startConfig;
  private final Path file;
  private final ServerMetrics serverMetrics = new ServerMetrics();
  private final GatewayMetrics metrics = new GatewayMetrics(serverMetrics.registry());
  private final LongSupplier clock = System::nanoTime;
  /** Fed by every proxied request; exported as {@code sluice_rule_unique_clients}. */
  private final TrafficStats stats = TrafficStats.create(StatsSettings.DEFAULTS.sketches(),
      System::currentTimeMillis);
  private final Pipeline pipeline;
  private final Vertx vertx;
  private final AtomicReference<Routing> routing = new AtomicReference<>();
  private final HttpClient healthClient;
  private HealthChecker checker;
  private String lastText;
  private volatile int port;
  private volatile int adminPort = -1;

  private SluiceGateway(GatewayConfig config, Path file) {
    this.startConfig = config;
    this.file = file;
    this.pipeline = Pipeline.start(config.pipeline(), stats.observing(serverMetrics),
        serverMetrics, serverMetrics);
    serverMetrics.circuitState(pipeline.engineName(), pipeline::engineHealth);
    this.vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors()))
        .setWorkerPoolSize(2)
        // epoll when netty-transport-native-epoll is on the class path (Linux x86-64), else
        // NIO: fewer system calls per proxied request.
        .setPreferNativeTransport(true));
    LOG.info("network transport: {}", vertx.isNativeTransportEnabled() ? "epoll" : "nio");
    StatsMetrics gauges = new StatsMetrics(stats, pipeline, serverMetrics.registry(), 0);
    vertx.setPeriodic(2000, id -> gauges.refresh());
    this.healthClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(4));
    Routing r = Routing.build(config, null, metrics, clock);
    routing.set(r);
    metrics.publish(r);
    checker = new HealthChecker(vertx, healthClient, clock);
    checker.start(r);
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
    SluiceGateway g = new SluiceGateway(config, file);
    try {
      g.listen();
    } catch (RuntimeException e) {
      g.close();
      throw e;
    }
    return g;
  }

  private void listen() {
    GatewayConfig c = startConfig;
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    Set<Integer> ports = ConcurrentHashMap.newKeySet();
    // Vert.x shares one random port between servers asking for the same negative port.
    int asked = c.port() == 0 ? -1 : c.port();
    try {
      await(vertx.deployVerticle(() -> new ProxyVerticle(c, asked, ports),
          new DeploymentOptions().setInstances(instances)));
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot listen on " + c.host() + ":" + c.port() + ": "
          + e.getMessage(), e);
    }
    if (ports.size() != 1) {
      throw new IllegalStateException("the event loops listen on different ports " + ports);
    }
    port = ports.iterator().next();
    if (c.adminPort() >= 0) {
      HttpServer admin = vertx.createHttpServer(new HttpServerOptions().setHost(c.adminHost())
          .setPort(c.adminPort())).requestHandler(req -> {
            switch (req.path()) {
              case "/metrics" -> req.response()
                  .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                  .end(serverMetrics.scrape());
              case "/healthz" -> req.response().putHeader("Content-Type", "application/json")
                  .end("{\"status\":\"ok\",\"rules\":"
                      + pipeline.book().ruleSet().rules().size() + "}");
              default -> Problem.send(req.response(), 404, "not-found", "Not Found",
                  "the admin listener serves /metrics and /healthz");
            }
          });
      try {
        adminPort = await(admin.listen()).actualPort();
      } catch (RuntimeException e) {
        throw new IllegalStateException("cannot listen on admin " + c.adminHost() + ":"
            + c.adminPort() + ": " + e.getMessage(), e);
      }
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
    HealthChecker nextChecker = new HealthChecker(vertx, healthClient, clock);
    routing.set(r);
    metrics.publish(r);
    checker.stop();
    checker = nextChecker;
    nextChecker.start(r);
    metrics.reloads("success").increment();
    LOG.info("gateway config reloaded: {} route(s), {} upstream(s)", r.routes().size(),
        r.pools().size());
  }

  /** The port the gateway listens on. */
  public int port() {
    return port;
  }

  /** The port of the admin listener, -1 when there is none. */
  public int adminPort() {
    return adminPort;
  }

  /** The address the gateway listens on. */
  public String host() {
    return startConfig.host();
  }

  /** The shared pipeline (engine, rules, identity). */
  public Pipeline pipeline() {
    return pipeline;
  }

  /** The Prometheus text of every metric (what the admin listener's /metrics serves). */
  public String scrape() {
    return serverMetrics.scrape();
  }

  /** The per-rule traffic statistics the proxied requests feed (for tests and embedding). */
  public TrafficStats stats() {
    return stats;
  }

  /** Stops listening, the health checks and the pipeline. */
  @Override
  public synchronized void close() {
    if (checker != null) {
      checker.stop();
    }
    try {
      await(vertx.close());
    } catch (RuntimeException e) {
      LOG.warn("stopping the gateway: {}", e.toString());
    }
    pipeline.close();
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(c.getMessage(), c);
    }
  }

  /** One listener and one upstream pool per event loop. */
  private final class ProxyVerticle extends VerticleBase {
    private final GatewayConfig c;
    private final int askedPort;
    private final Set<Integer> bound;

    ProxyVerticle(GatewayConfig c, int askedPort, Set<Integer> bound) {
      this.c = c;
      this.askedPort = askedPort;
      this.bound = bound;
    }

    @Override
    public Future<?> start() {
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
          .setKeepAliveTimeout(60).setTcpNoDelay(true).setDecompressionSupported(false)
          .setMaxHeaderSize(64 * 1024).setMaxInitialLineLength(16 * 1024),
          new PoolOptions().setHttp1MaxSize(c.maxConnectionsPerHost()));
      WebSocketClient webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
          .setMaxFrameSize(1 << 20).setMaxMessageSize(16 << 20));
      ProxyHandler handler = new ProxyHandler(vertx, client, webSockets, pipeline, routing::get,
          metrics, clock, c.pipeline().identity().trustedProxies());
      HttpServerOptions o = new HttpServerOptions().setHost(c.host()).setPort(askedPort)
          .setTcpNoDelay(true).setIdleTimeout((int) c.idleTimeout().toSeconds())
          .setCompressionSupported(false).setMaxInitialLineLength(c.maxInitialLineBytes())
          .setMaxHeaderSize(c.maxHeaderBytes());
      return vertx.createHttpServer(o).requestHandler(handler).listen()
          .onSuccess(s -> bound.add(s.actualPort()));
    }
  }
}
