package dev.sluice.server.http;

import dev.sluice.frontend.http.Problem;
import dev.sluice.frontend.metrics.ServerMetrics;
import dev.sluice.rules.Pipeline;
import dev.sluice.server.config.ServerConfig;
import dev.sluice.stats.TrafficStats;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (see docs/http.md): routes each request to what serves it and answers every
 * routing error as a problem. Checks ({@link CheckRoutes}), the rules API ({@link RulesRoutes}),
 * health, readiness and metrics ({@link HealthRoutes}), the stats API and the console
 * ({@link ConsoleRoutes}).
 *
 * <p>Routes: {@code GET/PUT /rate-limits/rules}, {@code GET/PUT/DELETE /rate-limits/rules/:id}
 * (admin token), {@code POST /rate-limit/check}, {@code POST /rate-limit/check/batch},
 * {@code GET /healthz}, {@code GET /readyz}, {@code GET /metrics}; the stats API and the console.
 *
 * <p>Thread-safe: one instance serves every event loop.
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final String CHECK_PATH = "/rate-limit/check";

  private final ServerConfig config;
  private final CheckRoutes checks;
  private final RulesRoutes rules;
  private final HealthRoutes health;
  private final ConsoleRoutes console;

  /**
   * The HTTP API over {@code pipeline}, counting into {@code metrics}, with the traffic
   * statistics and the console over {@code stats}.
   */
  public HttpApi(ServerConfig config, Pipeline pipeline, ServerMetrics metrics,
      TrafficStats stats) {
    this.config = config;
    this.checks = new CheckRoutes(config, pipeline, metrics);
    this.rules = new RulesRoutes(pipeline, config.adminToken());
    this.health = new HealthRoutes(pipeline, metrics);
    this.console = new ConsoleRoutes(pipeline, stats);
  }

  /** The router of one server instance (one per event loop). */
  public Router router(Vertx vertx) {
    Router r = Router.router(vertx);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    health.register(r);
    r.post(CHECK_PATH).handler(body).handler(checks::check);
    r.post(CHECK_PATH + "/batch").handler(body).handler(checks::batch);
    rules.register(r, body);
    console.register(r, rules.authorization());
    r.errorHandler(404, ctx -> Problem.send(ctx.response(), 404, "not-found", "Not Found",
        "no resource at " + CheckRequest.abbreviate(ctx.request().path())));
    r.errorHandler(405, ctx -> Problem.send(ctx.response(), 405, "method-not-allowed",
        "Method Not Allowed", ctx.request().method() + " is not supported here"));
    r.errorHandler(413, ctx -> Problem.send(ctx.response(), 413, "body-too-large",
        "Content Too Large", "the body exceeds " + config.maxBodyBytes()
            + " bytes (server.max-body-bytes)"));
    r.errorHandler(400, ctx -> Problem.send(ctx.response(), 400, "bad-request", "Bad Request",
        "the request could not be read"));
    r.errorHandler(500, ctx -> {
      if (ctx.failure() != null) {
        LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(),
            ctx.failure());
      }
      internalError(ctx.response());
    });
    return r;
  }

  /**
   * The request handler of one server instance: single checks with a declared length go straight
   * to the check (no router, no body handler: the hot path), everything else through {@link
   * #router}, which also answers chunked check bodies and every error.
   */
  public Handler<HttpServerRequest> handler(Vertx vertx) {
    Router router = router(vertx);
    return req -> {
      if (req.method() != HttpMethod.POST || !CHECK_PATH.equals(req.path())) {
        router.handle(req);
        return;
      }
      String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
      long declared;
      try {
        declared = length == null ? -1 : Long.parseLong(length);
      } catch (NumberFormatException e) {
        declared = -1;
      }
      if (declared < 0 || declared > config.maxBodyBytes()) {
        router.handle(req);  // chunked, malformed or too large: the body handler's answers
        return;
      }
      req.body().onComplete(ar -> {
        if (ar.failed()) {
          req.response().reset();
          return;
        }
        try {
          checks.check(vertx, req, ar.result());
        } catch (RuntimeException e) {
          LOG.error("unexpected failure on POST {}", CHECK_PATH, e);
          internalError(req.response());
        }
      });
    };
  }

  private static void internalError(HttpServerResponse res) {
    Problem.send(res, 500, "internal", "Internal Server Error",
        "an unexpected error was logged by the server");
  }
}
