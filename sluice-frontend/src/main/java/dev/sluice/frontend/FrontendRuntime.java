package dev.sluice.frontend;

import dev.sluice.frontend.metrics.ServerMetrics;
import dev.sluice.frontend.metrics.StatsMetrics;
import dev.sluice.frontend.metrics.TlsMetrics;
import dev.sluice.rules.Pipeline;
import dev.sluice.rules.config.PipelineConfig;
import dev.sluice.stats.TrafficStats;
import dev.sluice.tls.TlsContext;
import dev.sluice.tls.TlsSettings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every HTTP front end runs on: the metrics registry, the per-rule traffic statistics and
 * their gauges, the {@link Pipeline} (engine, rule store, identity) and one Vert.x instance with
 * an event loop per core. The service and the gateway start one each and add their listeners
 * ({@link #listen}, {@link #listenOnce}) and the other front ends ({@link #startExtensions}).
 *
 * <p>{@link #close} is graceful: every listener stops accepting connections at once, requests in
 * flight get up to {@link Settings#drainTimeout} to finish (the extensions drain theirs as they
 * close, meanwhile), then Vert.x and the pipeline are closed.
 *
 * <p>Thread-safe.
 */
public final class FrontendRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrontendRuntime.class);
  /** How long start-up and the final close steps may take. */
  private static final long AWAIT_SECONDS = 30;
  /** How often the traffic statistics' gauges are refreshed, in milliseconds. */
  private static final long STATS_REFRESH_MILLIS = 2000;

  /**
   * How the runtime runs.
   *
   * @param workerPoolSize Vert.x worker threads (blocking rule-store writes, gauge refreshes),
   *     at least 1
   * @param nativeTransport whether to use epoll where it can be loaded (fewer system calls per
   *     request; needs netty-transport-native-epoll on the class path)
   * @param drainTimeout how long {@link #close} lets requests in flight finish, at least 0
   */
  public record Settings(int workerPoolSize, boolean nativeTransport, Duration drainTimeout) {
    /** The default drain timeout: 10 s. */
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public Settings {
      if (workerPoolSize < 1) {
        throw new IllegalArgumentException("workerPoolSize " + workerPoolSize + " must be >= 1");
      }
      if (drainTimeout == null || drainTimeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout " + drainTimeout + " must be >= 0");
      }
    }
  }

  private final Settings settings;
  private final ServerMetrics metrics = new ServerMetrics();
  private final TrafficStats stats;
  private final Pipeline pipeline;
  private final Vertx vertx;
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<ServeExtension.Running> extensions = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> beforeDrain = new CopyOnWriteArrayList<>();
  private final List<TlsContext> tlsContexts = new CopyOnWriteArrayList<>();
  private boolean closed;

  private FrontendRuntime(PipelineConfig pipelineConfig, StatsConfig statsConfig,
      Settings settings) {
    this.settings = settings;
    this.stats = TrafficStats.create(statsConfig.sketches(), System::currentTimeMillis);
    this.pipeline = Pipeline.start(pipelineConfig, stats.observing(metrics), metrics, metrics);
    metrics.circuitState(pipeline.engineName(), pipeline::engineHealth);
    this.vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(eventLoops())
        .setWorkerPoolSize(settings.workerPoolSize())
        .setPreferNativeTransport(settings.nativeTransport()));
    if (settings.nativeTransport()) {
      LOG.info("network transport: {}", vertx.isNativeTransportEnabled() ? "epoll" : "nio");
    }
    StatsMetrics gauges = new StatsMetrics(stats, pipeline, metrics.registry(),
        statsConfig.topKLabels());
    // On a worker, not an event loop: a refresh merges every rule's sketches over the period,
    // work that grows with the rules and would otherwise delay the requests of one loop.
    vertx.setPeriodic(STATS_REFRESH_MILLIS, id -> vertx.executeBlocking(() -> {
      gauges.refresh();
      return null;
    }, false));
  }

  /**
   * Starts the metrics, the statistics, the pipeline and Vert.x.
   *
   * @throws IllegalStateException if the pipeline cannot start (an invalid rules file)
   */
  public static FrontendRuntime start(PipelineConfig pipeline, StatsConfig stats,
      Settings settings) {
    return new FrontendRuntime(pipeline, stats, settings);
  }

  /** One event loop (and one listener instance) per core. */
  private static int eventLoops() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Listens on {@code host:port} with one server per event loop, sharing the socket; each server
   * is made by {@code server} on its loop's context (so per-loop state, such as a client pool,
   * stays on that loop).
   *
   * @param port the port, 0 for any free one
   * @param server makes one server (options and request handler set, not yet listening)
   * @return the port listened on
   * @throws IllegalStateException if the port cannot be bound
   */
  public int listen(String host, int port, Function<Vertx, HttpServer> server) {
    Set<Integer> ports = ConcurrentHashMap.newKeySet();
    // Vert.x shares one random port between servers asking for the same negative port, where
    // port 0 would give each server its own.
    int asked = port == 0 ? -1 : port;
    try {
      await(vertx.deployVerticle(() -> new VerticleBase() {
        @Override
        public Future<?> start() {
          HttpServer s = server.apply(vertx);
          servers.add(s);
          return s.listen(asked, host).onSuccess(bound -> ports.add(bound.actualPort()));
        }
      }, new DeploymentOptions().setInstances(eventLoops())));
    } catch (IllegalStateException e) {
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": "
          + e.getMessage(), e);
    }
    if (ports.size() != 1) {
      throw new IllegalStateException("the event loops listen on different ports " + ports);
    }
    return ports.iterator().next();
  }

  /**
   * Listens with a single server (an admin listener) on {@code options}' host and port.
   *
   * @return the port listened on
   * @throws IllegalStateException if the port cannot be bound
   */
  public int listenOnce(HttpServerOptions options, Handler<HttpServerRequest> handler) {
    HttpServer s = vertx.createHttpServer(options).requestHandler(handler);
    servers.add(s);
    try {
      return await(s.listen()).actualPort();
    } catch (IllegalStateException e) {
      throw new IllegalStateException("cannot listen on " + options.getHost() + ":"
          + options.getPort() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts the other front ends over this runtime's pipeline and registry.
   *
   * @return what each prints once it listens ({@link ServeExtension.Running#banner})
   * @throws RuntimeException when one cannot start (those started are closed by {@link #close})
   */
  public List<String> startExtensions(List<ServeExtension.Starter> starters) {
    List<String> banners = new ArrayList<>();
    for (ServeExtension.Starter s : starters) {
      ServeExtension.Running r = s.start(pipeline, metrics.registry());
      extensions.add(r);
      banners.add(r.banner());
    }
    return List.copyOf(banners);
  }

  /**
   * Opens the certificates of a listener or a link ({@link TlsContext#open}), follows their
   * rotation, exports their expiry and reloads on the registry ({@link TlsMetrics}) and closes
   * them when the runtime closes.
   *
   * @throws dev.sluice.tls.TlsException when the files fail their check
   */
  public TlsContext openTls(TlsSettings settings) {
    TlsContext tls = TlsContext.open(settings);
    tlsContexts.add(tls);
    TlsMetrics.bind(metrics.registry(), tls);
    return tls;
  }

  /**
   * Closes {@code c} first in {@link #close}, before the listeners drain (for example periodic
   * health checks that would otherwise go on during the drain).
   */
  public void closeFirst(AutoCloseable c) {
    beforeDrain.add(c);
  }

  /** The metrics (for front-end meters and {@code /metrics}). */
  public ServerMetrics metrics() {
    return metrics;
  }

  /** The per-rule traffic statistics every front end over the pipeline feeds. */
  public TrafficStats stats() {
    return stats;
  }

  /** The shared pipeline (engine, rules, identity). */
  public Pipeline pipeline() {
    return pipeline;
  }

  /** The Vert.x instance the listeners run on. */
  public Vertx vertx() {
    return vertx;
  }

  /** How long {@link #close} lets requests in flight finish. */
  public Duration drainTimeout() {
    return settings.drainTimeout();
  }

  /**
   * Stops gracefully and returns when stopped: every listener stops accepting at once and its
   * connections close as their requests in flight complete, within the drain timeout (after it,
   * the rest are closed); the extensions close meanwhile; then Vert.x and the pipeline (the
   * engine and the store). Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (AutoCloseable c : beforeDrain) {
      closeQuietly(c, "stopping");
    }
    long drainMillis = settings.drainTimeout().toMillis();
    List<Future<Void>> drained = new ArrayList<>();
    for (HttpServer s : servers) {
      drained.add(s.shutdown(drainMillis, TimeUnit.MILLISECONDS));
    }
    // The other front ends stop accepting too while the listeners drain; each drains its own
    // calls in flight as it closes.
    for (ServeExtension.Running r : extensions) {
      closeQuietly(r, "stopping a front end");
    }
    try {
      Future.join(drained).toCompletionStage().toCompletableFuture()
          .get(drainMillis + TimeUnit.SECONDS.toMillis(AWAIT_SECONDS), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("draining the listeners: {}", e.toString());
    }
    try {
      await(vertx.close());
    } catch (IllegalStateException e) {
      LOG.warn("stopping Vert.x: {}", e.toString());
    }
    for (TlsContext t : tlsContexts) {
      closeQuietly(t, "closing " + t.settings().key());
    }
    pipeline.close();
  }

  private static void closeQuietly(AutoCloseable c, String what) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("{}: {}", what, e.toString());
    }
  }

  /**
   * Waits for {@code f}.
   *
   * @throws IllegalStateException with the failure's message when it fails or times out
   */
  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (Exception e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      throw new IllegalStateException(c.getMessage(), c);
    }
  }
}
