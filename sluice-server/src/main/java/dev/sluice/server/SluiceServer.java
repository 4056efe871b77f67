package dev.sluice.server;

import dev.sluice.rules.Pipeline;
import dev.sluice.server.config.ServerConfig;
import dev.sluice.server.http.HttpApi;
import dev.sluice.server.metrics.ServerMetrics;
import dev.sluice.server.metrics.StatsMetrics;
import dev.sluice.stats.TrafficStats;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Sluice service: the engine, the rule store and the HTTP API on one event loop per
 * core. Start with {@link #start}, stop with {@link #close}.
 *
 * <p>Thread-safe.
 */
public final class SluiceServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SluiceServer.class);

  private final ServerConfig config;
  private final ServerMetrics metrics = new ServerMetrics();
  private final TrafficStats stats;
  private final Pipeline pipeline;
  private final Vertx vertx;
  private volatile int port;
  private final List<ServeExtension.Running> extensions = new CopyOnWriteArrayList<>();

  private SluiceServer(ServerConfig config) {
    this.config = config;
    this.stats = TrafficStats.create(config.stats().sketches(), System::currentTimeMillis);
    this.pipeline = Pipeline.start(config.pipeline(), stats.observing(metrics), metrics, metrics);
    metrics.circuitState(pipeline.engineName(), pipeline::engineHealth);
    this.vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors()))
        .setWorkerPoolSize(8)
        .setPreferNativeTransport(false));
    StatsMetrics gauges = new StatsMetrics(stats, pipeline, metrics.registry(),
        config.stats().topKLabels());
    vertx.setPeriodic(2000, id -> vertx.executeBlocking(() -> {
      gauges.refresh();
      return null;
    }, false));
  }

  /**
   * Starts a server and waits until it listens.
   *
   * @throws IllegalStateException if the rules file is invalid or the port cannot be bound
   */
  public static SluiceServer start(ServerConfig config) {
    SluiceServer s = new SluiceServer(config);
    try {
      s.startNow();
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void startNow() {
    HttpApi api = new HttpApi(config, pipeline, metrics, stats);
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    try {
      // One server per event loop on one port; Vert.x shares the socket between them. For "any
      // free port" Vert.x shares one random port between servers asking for the same negative
      // port, where port 0 would give each its own.
      java.util.Set<Integer> ports = java.util.concurrent.ConcurrentHashMap.newKeySet();
      int asked = config.port() == 0 ? -1 : config.port();
      await(vertx.deployVerticle(() -> new ApiVerticle(api, config.host(), asked,
          ports::add), new DeploymentOptions().setInstances(instances)));
      if (ports.size() != 1) {
        throw new IllegalStateException("the event loops listen on different ports " + ports);
      }
      port = ports.iterator().next();
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port()
          + ": " + e.getMessage(), e);
    }
    for (ServeExtension.Starter s : config.extensions()) {
      extensions.add(s.start(pipeline, metrics.registry()));
    }
  }

  /** What the other front ends print once they listen ({@link ServeExtension.Running#banner}). */
  public List<String> banners() {
    return extensions.stream().map(ServeExtension.Running::banner).toList();
  }

  /** The pipeline this server is the HTTP front end of (other front ends may share it). */
  public Pipeline pipeline() {
    return pipeline;
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
    return stats;
  }

  /** The metrics (for tests and embedding). */
  public ServerMetrics metrics() {
    return metrics;
  }

  /** Stops listening and closes the pipeline (the engine and the store). */
  @Override
  public void close() {
    for (ServeExtension.Running r : extensions) {
      try {
        r.close();
      } catch (RuntimeException e) {
        LOG.warn("stopping a front end: {}", e.toString());
      }
    }
    try {
      await(vertx.close());
    } catch (Exception e) {
      LOG.warn("stopping HTTP: {}", e.toString());
    }
    pipeline.close();
  }

  private static <T> T await(Future<T> f) throws IllegalStateException {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(c.getMessage(), c);
    }
  }

  /** One HTTP server on one event loop; every instance shares the port and the API. */
  private static final class ApiVerticle extends VerticleBase {
    private final HttpApi api;
    private final String host;
    private final int port;
    private final IntConsumer bound;

    ApiVerticle(HttpApi api, String host, int port, IntConsumer bound) {
      this.api = api;
      this.host = host;
      this.port = port;
      this.bound = bound;
    }

    @Override
    public Future<?> start() {
      HttpServerOptions o = new HttpServerOptions().setHost(host).setPort(port)
          .setTcpNoDelay(true).setIdleTimeout(120).setCompressionSupported(false)
          .setMaxInitialLineLength(8192).setMaxHeaderSize(16384);
      HttpServer server = vertx.createHttpServer(o).requestHandler(api.handler(vertx));
      return server.listen().onSuccess(s -> bound.accept(s.actualPort()));
    }
  }
}
