package dev.sluice.grpc;

import dev.sluice.RateLimiterEngine;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import dev.sluice.frontend.metrics.TlsMetrics;
import dev.sluice.tls.TlsContext;
import dev.sluice.tls.TlsSettings;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import dev.sluice.rules.decide.DecisionCounters;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's rate limit service (RLS v3) over gRPC, deciding with a Sluice engine and reading
 * envoyproxy/ratelimit's configuration files: serves
 * {@code envoy.service.ratelimit.v3.RateLimitService}, {@code grpc.health.v1.Health} and server
 * reflection on one port. See {@code docs/envoy.md}.
 *
 * <p>Thread-safe; {@link #close()} stops listening and the config reloads, not the engine.
 */
public final class RlsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RlsServer.class);

  private final Server server;
  private final ScheduledExecutorService reloader;
  private final ConfigDirectory config;
  private final TlsContext tls;

  private RlsServer(Server server, ScheduledExecutorService reloader, ConfigDirectory config,
      TlsContext tls) {
    this.server = server;
    this.reloader = reloader;
    this.config = config;
    this.tls = tls;
  }

  /**
   * Loads the config directory (invalid files are logged and skipped), starts listening, and
   * starts polling the directory for changes every {@link RlsConfig#reloadInterval()}.
   *
   * @param options where to listen and how to answer
   * @param engine decides every check; the caller keeps ownership and closes it
   * @param registry receives ERL's counters and Sluice's config-error and degraded counters
   * @return the running server
   * @throws IllegalArgumentException if an argument is null or the config dir is no directory
   * @throws UncheckedIOException if the port cannot be bound or the directory read
   */
  public static RlsServer start(RlsConfig options, RateLimiterEngine engine,
      MeterRegistry registry) {
    return start(options, engine, registry, DecisionCounters.NONE);
  }

  /**
   * As {@link #start(RlsConfig, RateLimiterEngine, MeterRegistry)}, telling {@code counters}
   * of every decided descriptor: {@link DecisionCounters#clients} of
   * {@code envoy/<limit's rule id>} (e.g. {@code envoy/rls:domain.key_value}) with the
   * descriptor's counter key ({@code key=value} per entry) as the client.
   */
  public static RlsServer start(RlsConfig options, RateLimiterEngine engine,
      MeterRegistry registry, DecisionCounters counters) {
    if (options == null || engine == null || registry == null) {
      throw new IllegalArgumentException("options, engine and registry must not be null");
    }
    if (!Files.isDirectory(options.configDir())) {
      throw new IllegalArgumentException("rls config-dir " + options.configDir()
          + " is not a directory");
    }
    ConfigDirectory config = new ConfigDirectory(options.configDir(), registry);
    try {
      config.reload();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read rls config-dir " + options.configDir(), e);
    }
    HealthStatusManager health = new HealthStatusManager();
    RlsService rls = new RlsService(config, engine,
        new RlsMetrics(registry, options.nearLimitRatio()), options, counters);
    // The transport refuses only absurd sizes; up to 4x the limit the service answers
    // INVALID_ARGUMENT naming the size (Envoy sees a clear error, not RESOURCE_EXHAUSTED).
    int transportLimit = (int) Math.min(Integer.MAX_VALUE, 4L * options.maxMessageBytes());
    NettyServerBuilder builder = NettyServerBuilder
        .forAddress(new InetSocketAddress(options.host(), options.port()))
        .maxInboundMessageSize(transportLimit)
        .addService(rls)
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance());
    TlsContext tls = null;
    if (options.tls() != null) {
      tls = TlsContext.open(options.tls());
      TlsMetrics.bind(registry, tls);
      builder.sslContext(sslContext(tls));
    }
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      if (tls != null) {
        tls.close();
      }
      throw new UncheckedIOException("cannot listen on " + options.host() + ":"
          + options.port(), e);
    }
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(RateLimitServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
    ScheduledExecutorService reloader = null;
    if (!options.reloadInterval().isZero()) {
      reloader = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-rls-config");
        t.setDaemon(true);
        return t;
      });
      long every = Math.max(1, options.reloadInterval().toMillis());
      reloader.scheduleWithFixedDelay(() -> {
        try {
          config.reload();
        } catch (IOException | RuntimeException e) {
          LOG.error("Envoy RLS: cannot reread {}: {}", options.configDir(), e.toString());
        }
      }, every, every, TimeUnit.MILLISECONDS);
    }
    return new RlsServer(server, reloader, config, tls);
  }

  /** Netty's TLS over the reloading managers: rotated files serve new connections. */
  private static SslContext sslContext(TlsContext tls) {
    TlsSettings s = tls.settings();
    SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forServer(
        tls.keyManagerFactory())).protocols(tls.protocols());
    if (s.ca() != null) {
      b.trustManager(tls.trustManagerFactory());
    }
    b.clientAuth(switch (s.clientAuth()) {
      case NONE -> ClientAuth.NONE;
      case OPTIONAL -> ClientAuth.OPTIONAL;
      case REQUIRED -> ClientAuth.REQUIRE;
    });
    try {
      return b.build();
    } catch (SSLException e) {
      throw new IllegalStateException(s.key() + ": cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** The port the server listens on: the real one when the options asked for 0. */
  public int port() {
    return server.getPort();
  }

  /** The domains in force, by name, each with the file it came from. */
  public Map<String, java.nio.file.Path> domains() {
    Map<String, java.nio.file.Path> out = new java.util.TreeMap<>();
    config.domains().forEach((name, c) -> out.put(name, c.file()));
    return out;
  }

  /** The invalid files of the config directory, each with its error message. */
  public Map<java.nio.file.Path, String> configErrors() {
    return config.errors();
  }

  /** Stops accepting calls, waits up to five seconds for calls in flight, stops reloading. */
  @Override
  public void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (tls != null) {
      tls.close();
    }
  }
}
