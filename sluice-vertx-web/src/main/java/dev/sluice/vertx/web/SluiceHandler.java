package dev.sluice.vertx.web;

import dev.sluice.frontend.EventLoopDecisions;
import dev.sluice.rules.Pipeline;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.decide.Outcome;
import dev.sluice.rules.decide.RuleBook;
import dev.sluice.rules.decide.ScopeKeys;
import dev.sluice.rules.identity.ClientIdentity;
import dev.sluice.rules.response.ProblemDetails;
import dev.sluice.rules.response.RateLimitFields;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules applied to every request of a Vert.x Web router, as the gateway applies them: the
 * matching rule decides for the client the pipeline's identity section names; a denial ends the
 * request with 429, the problem document and the rate-limit headers; an admitted request gets
 * the headers and goes on ({@link RoutingContext#next()}); a request no rule governs goes on
 * untouched; an engine that cannot decide gives 503.
 *
 * <p>A policy handler: the router expects it before the body handler (it decides on the request
 * line and headers, never the body). On remote engines the decision completes on the request's
 * context without blocking the event loop ({@link EventLoopDecisions}).
 *
 * <p>Thread-safe; one instance serves every route and event loop.
 */
public final class SluiceHandler implements SecurityPolicyHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SluiceHandler.class);
  private final Pipeline pipeline;

  private SluiceHandler(Pipeline pipeline) {
    this.pipeline = pipeline;
  }

  /** A handler over {@code pipeline}, which the caller owns. */
  public static SluiceHandler create(Pipeline pipeline) {
    if (pipeline == null) {
      throw new IllegalArgumentException("pipeline must not be null");
    }
    return new SluiceHandler(pipeline);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Function<String, String> header = req::getHeader;
    RuleBook book = pipeline.book();
    String method = req.method().name();
    String path = req.path();
    RuleDefinition rule = book.match(method, path, header);
    if (rule == null) {
      ctx.next();
      return;
    }
    String peer = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    ClientIdentity who = pipeline.identifier().identify(peer, header, null, null);
    ScopeKeys keys = new ScopeKeys(who, method + " " + path);
    boolean inline = book.inline();
    if (!inline) {
      req.pause(); // the body waits for the decision
    }
    EventLoopDecisions.decide(ctx.vertx(), book, rule, keys, 1).onComplete(ar -> {
      HttpServerResponse res = ctx.response();
      if (!inline) {
        req.resume();
      }
      if (ar.failed()) {
        LOG.warn("rate-limit engine failed: {}", ar.cause().toString());
        send(res, 503, ProblemDetails.backendUnavailable().toString());
        return;
      }
      Outcome o = ar.result();
      RateLimitFields.write(o, pipeline.engine().timeSource().nowMicros(),
          (f, v) -> res.headers().add(f.header(), v));
      if (!o.allowed()) {
        send(res, 429, ProblemDetails.tooManyRequests(o).toString());
        return;
      }
      ctx.next();
    });
  }

  private static void send(HttpServerResponse res, int status, String body) {
    if (res.ended() || res.closed()) {
      return;
    }
    res.setStatusCode(status).putHeader("Content-Type", ProblemDetails.CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store").end(body);
  }
}
