package dev.sluice.server;

import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.server.config.ServerConfig;
import dev.sluice.server.decide.RuleBook;
import dev.sluice.server.http.HttpApi;
import dev.sluice.server.metrics.ServerMetrics;
import dev.sluice.server.rules.RuleSet;
import dev.sluice.server.store.FileRuleStore;
import dev.sluice.server.store.PostgresRuleStore;
import dev.sluice.server.store.RuleStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
  private final AtomicReference<RuleBook> book = new AtomicReference<>();
  private final RateLimiterEngine engine;
  private final RuleStore store;
  private final Vertx vertx;
  private volatile int port;

  private SluiceServer(ServerConfig config) {
    this.config = config;
    this.engine = config.engine().create();
    metrics.circuitState(config.engine().name(), () -> config.engine().circuitState(engine));
    book.set(new RuleBook(RuleSet.empty(), engine, metrics));
    if (config.rules().store().equals("postgres")) {
      store = new PostgresRuleStore(config.rules().postgres(), config.rules().maxRules());
    } else {
      FileRuleStore fs = new FileRuleStore(config.rules().file(),
          config.rules().reloadInterval(), config.rules().maxRules());
      fs.loadInitial(); // an invalid rules file at start refuses to start
      store = fs;
    }
    this.vertx = Vertx.vertx(new VertxOptions()
        .setEventLoopPoolSize(Math.max(1, Runtime.getRuntime().availableProcessors()))
        .setWorkerPoolSize(8)
        .setPreferNativeTransport(false));
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
    String storeName = store.name();
    store.start(set -> {
      book.set(new RuleBook(set, engine, metrics));
      metrics.reloadSucceeded(storeName, set.rules().size());
      LOG.info("rules in force: {} rule(s), version {}", set.rules().size(), set.etag());
    }, (reason, message) -> {
      metrics.reloadFailed(storeName, reason);
      LOG.warn(message);
    });
    HttpApi api = new HttpApi(config, engine, config.engine().name(), store, book, metrics,
        this::engineReady);
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
  }

  private final Rule probeRule = Rule.of("__sluice_readiness_probe",
      dev.sluice.Limit.fixedWindow(1_000_000_000L, Duration.ofSeconds(1)));

  /** Ready when the engine itself decides: a failure policy's degraded answer is not ready. */
  private boolean engineReady() {
    try {
      return !engine.limiter(probeRule).checkAsync("probe", 1)
          .toCompletableFuture().get(1, TimeUnit.SECONDS).degraded();
    } catch (Exception e) {
      return false;
    }
  }

  /** The port the server listens on. */
  public int port() {
    return port;
  }

  /** The address the server listens on. */
  public String host() {
    return config.host();
  }

  /** The metrics (for tests and embedding). */
  public ServerMetrics metrics() {
    return metrics;
  }

  /** Stops listening and releases the engine and the store. */
  @Override
  public void close() {
    try {
      await(vertx.close());
    } catch (Exception e) {
      LOG.warn("stopping HTTP: {}", e.toString());
    }
    try {
      store.close();
    } finally {
      engine.close();
    }
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
      HttpServer server = vertx.createHttpServer(o).requestHandler(api.router(vertx));
      return server.listen().onSuccess(s -> bound.accept(s.actualPort()));
    }
  }
}
