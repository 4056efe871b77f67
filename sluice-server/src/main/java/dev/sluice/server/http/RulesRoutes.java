package dev.sluice.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.frontend.http.Problem;
import dev.sluice.rules.Pipeline;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.RuleSet;
import dev.sluice.rules.RuleSetCodec;
import dev.sluice.rules.Violation;
import dev.sluice.rules.store.PreconditionFailedException;
import dev.sluice.rules.store.StoreUnavailableException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules API: {@code GET/PUT /rate-limits/rules} and {@code GET/PUT/DELETE
 * /rate-limits/rules/:id}, behind the admin token ({@link #authorize}); writes honour
 * {@code If-Match} and run inside the store's read-modify-write.
 *
 * <p>Thread-safe.
 */
final class RulesRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(RulesRoutes.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Pipeline pipeline;
  /** The SHA-256 of the admin token, or null when the API is open. */
  private final byte[] tokenDigest;

  RulesRoutes(Pipeline pipeline, String adminToken) {
    this.pipeline = pipeline;
    this.tokenDigest = adminToken == null ? null : sha256(adminToken);
  }

  void register(Router r, BodyHandler body) {
    r.route("/rate-limits/rules*").handler(this::authorize);
    r.get("/rate-limits/rules").handler(this::getRules);
    r.put("/rate-limits/rules").handler(body).handler(this::putRules);
    r.get("/rate-limits/rules/:id").handler(this::getRule);
    r.put("/rate-limits/rules/:id").handler(body).handler(this::putRule);
    r.delete("/rate-limits/rules/:id").handler(this::deleteRule);
  }

  /** The admin-token check, for the other routes that need it (the console's). */
  Handler<RoutingContext> authorization() {
    return this::authorize;
  }

  private void authorize(RoutingContext ctx) {
    if (tokenDigest == null) {
      ctx.next();
      return;
    }
    String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String given = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
        ? auth.substring(7).trim() : "";
    // Digests of equal length compared in constant time: neither content nor length leaks.
    if (!MessageDigest.isEqual(tokenDigest, sha256(given))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"sluice-rules\"");
      Problem.send(ctx.response(), 401, "unauthorized", "Unauthorized",
          "the rules API needs Authorization: Bearer <admin token>");
      return;
    }
    ctx.next();
  }

  private void getRules(RoutingContext ctx) {
    RuleSet set = pipeline.book().ruleSet();
    ctx.response().putHeader("ETag", set.etag());
    HttpJson.send(ctx.response(), 200, RuleSetCodec.write(set).toString());
  }

  private void getRule(RoutingContext ctx) {
    RuleSet set = pipeline.book().ruleSet();
    String id = ctx.pathParam("id");
    RuleDefinition r = set.find(id).orElse(null);
    if (r == null) {
      Problem.send(ctx.response(), 404, "unknown-rule", "Unknown rule",
          "no rule with id '" + CheckRequest.abbreviate(id) + "'");
      return;
    }
    ctx.response().putHeader("ETag", set.etag());
    HttpJson.send(ctx.response(), 200, RuleSetCodec.write(r).toString());
  }

  private void putRules(RoutingContext ctx) {
    JsonNode root = readJson(ctx);
    if (root == null) {
      return;
    }
    switch (RuleSetCodec.parse(root, pipeline.maxRules())) {
      case RuleSetCodec.Invalid i -> Problem.invalid(ctx.response(), "Invalid rules",
          i.violations());
      case RuleSetCodec.Valid valid -> store(ctx, current -> valid.ruleSet());
    }
  }

  private void putRule(RoutingContext ctx) {
    JsonNode root = readJson(ctx);
    if (root == null) {
      return;
    }
    String id = ctx.pathParam("id");
    List<Violation> v = new ArrayList<>();
    Object parsed = RuleSetCodec.parseOne(root, id, v);
    if (!(parsed instanceof RuleDefinition rule)) {
      Problem.invalid(ctx.response(), "Invalid rule", v);
      return;
    }
    store(ctx, current -> {
      List<RuleDefinition> rules = new ArrayList<>(current.rules());
      int at = -1;
      for (int i = 0; i < rules.size(); i++) {
        if (rules.get(i).id().equals(id)) {
          at = i;
        }
      }
      if (at >= 0) {
        rules.set(at, rule);
      } else {
        rules.add(rule);
      }
      return RuleSetCodec.withEtag(rules);
    });
  }

  private void deleteRule(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    store(ctx, current -> {
      if (current.find(id).isEmpty()) {
        throw new UnknownRuleException(id);
      }
      return RuleSetCodec.withEtag(current.rules().stream()
          .filter(r -> !r.id().equals(id)).toList());
    });
  }

  /**
   * Writes the set {@code change} makes of the set stored now, honouring If-Match. The change
   * runs inside the store's read-modify-write (its lock, or a database transaction), so it sees
   * every change made through other instances, even one this instance has not polled yet.
   */
  private void store(RoutingContext ctx, UnaryOperator<RuleSet> change) {
    String ifMatch = ctx.request().getHeader(HttpHeaders.IF_MATCH);
    int max = pipeline.maxRules();
    UnaryOperator<RuleSet> bounded = current -> {
      RuleSet next = change.apply(current);
      if (next.rules().size() > max) {
        throw new TooManyRulesException(next.rules().size());
      }
      return next;
    };
    ctx.vertx().executeBlocking(() -> pipeline.store().update(bounded, ifMatch), true)
        .onComplete(ar -> {
          HttpServerResponse res = ctx.response();
          if (ar.succeeded()) {
            res.putHeader("ETag", ar.result().etag());
            HttpJson.send(res, 200, RuleSetCodec.write(ar.result()).toString());
          } else if (ar.cause() instanceof PreconditionFailedException p) {
            res.putHeader("ETag", p.currentEtag());
            Problem.send(res, 412, "stale-version", "Precondition Failed",
                "If-Match " + CheckRequest.abbreviate(ifMatch) + " is not the current version "
                    + p.currentEtag() + "; GET the rules and retry");
          } else if (ar.cause() instanceof UnknownRuleException u) {
            Problem.send(res, 404, "unknown-rule", "Unknown rule",
                "no rule with id '" + CheckRequest.abbreviate(u.ruleId) + "'");
          } else if (ar.cause() instanceof TooManyRulesException t) {
            Problem.invalid(res, "Invalid rules", List.of(new Violation("$.rules",
                t.count + " rules exceed the maximum of " + max + " (rules.max-rules)")));
          } else if (ar.cause() instanceof StoreUnavailableException e) {
            LOG.warn("rule store write failed: {}", String.valueOf(e.getCause()));
            Problem.send(res, 503, "store-unavailable", "Service Unavailable",
                "the rule store cannot be written now; the rules in force are unchanged");
          } else {
            LOG.error("rule store write failed", ar.cause());
            Problem.send(res, 500, "internal", "Internal Server Error",
                "an unexpected error was logged by the server");
          }
        });
  }

  private static JsonNode readJson(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    if (b == null || b.length() == 0) {
      Problem.invalid(ctx.response(), "Invalid rules",
          List.of(new Violation("$", "the body is empty; expected JSON")));
      return null;
    }
    try (JsonParser p = HttpJson.FACTORY.createParser(b.getBytes())) {
      JsonNode n = JSON.readTree(p);
      if (p.nextToken() != null) {
        throw new IOException("unexpected content after the document");
      }
      return n;
    } catch (IOException e) {
      Problem.invalid(ctx.response(), "Invalid rules",
          List.of(new Violation("$", "not valid JSON: " + HttpJson.firstLine(e))));
      return null;
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** A change would exceed {@code rules.max-rules}: a 400. */
  private static final class TooManyRulesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int count;

    TooManyRulesException(int count) {
      super(null, null, false, false);
      this.count = count;
    }
  }
}
