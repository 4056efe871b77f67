package dev.sluice.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.Decision;
import dev.sluice.frontend.EventLoopDecisions;
import dev.sluice.frontend.StatsView;
import dev.sluice.frontend.http.Problem;
import dev.sluice.frontend.http.RateLimitHeaders;
import dev.sluice.frontend.metrics.ServerMetrics;
import dev.sluice.rules.Pipeline;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.Violation;
import dev.sluice.rules.decide.Outcome;
import dev.sluice.rules.decide.RuleBook;
import dev.sluice.rules.decide.ScopeKeys;
import dev.sluice.rules.identity.ClientIdentity;
import dev.sluice.server.config.ServerConfig;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /rate-limit/check} and {@code POST /rate-limit/check/batch}. A check flows through
 * one method per step: {@link #identify} (who), {@link #selectRule} (which rule),
 * {@link EventLoopDecisions#decide} (the engine, never blocking the event loop), {@link #respond}
 * (status, headers, body).
 *
 * <p>Thread-safe: one instance serves every event loop; per-request state lives on the stack.
 */
final class CheckRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(CheckRoutes.class);
  /** The JSON paths of batch items, built once: a batch names its items only in errors. */
  private static final String[] ITEM_PATHS = new String[4096];

  private final ServerConfig config;
  private final Pipeline pipeline;
  private final ServerMetrics metrics;
  private final Timer singleTimer;
  private final Timer batchTimer;

  CheckRoutes(ServerConfig config, Pipeline pipeline, ServerMetrics metrics) {
    this.config = config;
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.singleTimer = metrics.checkLatency("single");
    this.batchTimer = metrics.checkLatency("batch");
  }

  /** A single check whose body the router's body handler has read. */
  void check(RoutingContext ctx) {
    check(ctx.vertx(), ctx.request(), ctx.body().buffer());
  }

  /** A single check of {@code body} (the hot path: no router, no body handler). */
  void check(Vertx vertx, HttpServerRequest http, Buffer body) {
    long start = System.nanoTime();
    List<Violation> v = new ArrayList<>(0);
    CheckRequest req = null;
    try (JsonParser p = HttpJson.FACTORY.createParser(HttpJson.bytes(body))) {
      p.nextToken();
      req = CheckRequest.read(p, "$", config.maxKeyLength(), v);
      if (req != null && p.nextToken() != null) {
        v.add(new Violation("$", "unexpected content after the check object"));
      }
    } catch (IOException e) {
      v.add(new Violation("$", "not valid JSON: " + HttpJson.firstLine(e)));
    }
    if (!v.isEmpty()) {
      Problem.invalid(http.response(), "Invalid check", v);
      return;
    }
    RuleBook rules = pipeline.book();
    ClientIdentity who = identify(req, http);
    RuleDefinition rule;
    try {
      rule = selectRule(req, rules);
    } catch (UnknownRuleException e) {
      Problem.send(http.response(), 404, "unknown-rule", "Unknown rule",
          "no rule with id '" + CheckRequest.abbreviate(req.ruleId()) + "'");
      return;
    }
    ScopeKeys keys = new ScopeKeys(who, endpoint(req));
    final CheckRequest r = req;
    EventLoopDecisions.decide(vertx, rules, rule, keys, req.cost()).onComplete(ar -> {
      if (ar.failed()) {
        backendFailure(http.response(), ar.cause());
        return;
      }
      singleTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      respond(http.response(), ar.result(), who, r.clientId() == null);
    });
  }

  /** Step: who is asking. An explicit client_id wins; else API key, user id, IP. */
  private ClientIdentity identify(CheckRequest req, HttpServerRequest http) {
    if (req.clientId() != null) {
      return new ClientIdentity(req.clientId(), req.userId(), req.orgId(), req.clientIp());
    }
    String peer = req.clientIp() != null ? req.clientIp()
        : http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
    Function<String, String> header = req.headers() == null ? h -> null : req::header;
    return pipeline.identifier().identify(peer, header, req.userId(), req.orgId());
  }

  /** Step: which rule. An explicit rule_id wins; else the highest-priority match. */
  private static RuleDefinition selectRule(CheckRequest req, RuleBook rules) {
    if (req.ruleId() != null) {
      RuleDefinition r = rules.rule(req.ruleId());
      if (r == null) {
        throw new UnknownRuleException(req.ruleId());
      }
      return r;
    }
    Function<String, String> header = req.headers() == null ? h -> null : req::header;
    return rules.match(req.method(), req.path(), header);
  }

  private static String endpoint(CheckRequest req) {
    return req.path() == null ? null : req.method() + " " + req.path();
  }

  /** Step: answer. 200 when allowed (shadow denials included), 429 when denied. */
  private void respond(HttpServerResponse res, Outcome o, ClientIdentity who,
      boolean showClient) {
    long now = pipeline.engine().timeSource().nowMicros();
    JsonOut out = new JsonOut(192);
    writeOutcome(out, o, now, showClient ? who : null);
    MultiMap h = res.headers();
    RateLimitHeaders.add(h, o, now);
    h.add(HttpHeaders.CONTENT_TYPE, HttpJson.JSON_TYPE);
    res.setStatusCode(o.allowed() ? 200 : 429).end(out.toBuffer());
  }

  private static void writeOutcome(JsonOut out, Outcome o, long now, ClientIdentity who) {
    Decision d = o.decision();
    out.ascii("{\"allowed\":").bool(o.allowed());
    if (o.rule() == null) {
      out.ascii(",\"rule_id\":null,\"limited\":false");
    } else {
      out.ascii(",\"rule_id\":").string(o.rule().id());
      if (d == null) {
        out.ascii(",\"limited\":false");
      } else {
        out.ascii(",\"limit\":").num(RateLimitHeaders.capacity(o.rule(), d))
            .ascii(",\"remaining\":").num(d.remaining())
            .ascii(",\"reset_at\":");
        if (d.resetAtMicros() == Decision.NEVER) {
          out.ascii("null");
        } else {
          out.num(RateLimitHeaders.epochSecondsCeil(d.resetAtMicros()));
        }
        out.ascii(",\"retry_after\":");
        if (d.allowed()) {
          out.ch('0');
        } else if (d.retryAfterMicros() == Decision.NEVER) {
          out.ascii("null");
        } else {
          out.num(RateLimitHeaders.retryAfterSeconds(d.retryAfterMicros()));
        }
        out.ascii(",\"limit_index\":").num(d.limitIndex());
        if (o.shadowDenied()) {
          out.ascii(",\"shadow_denied\":true");
        }
        if (d.degraded()) {
          out.ascii(",\"degraded\":true");
        }
      }
    }
    if (who != null) {
      out.ascii(",\"client\":").string(StatsView.displayKey(who.key()));
    }
    out.ch('}');
  }

  /** A batch: every item decided at once, answered in the order of the request. */
  void batch(RoutingContext ctx) {
    long start = System.nanoTime();
    List<Violation> v = new ArrayList<>(0);
    List<Object> items = new ArrayList<>();
    try (JsonParser p = HttpJson.FACTORY.createParser(HttpJson.bytes(ctx.body().buffer()))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        v.add(new Violation("$", "must be an object {\"checks\": [...]}"));
      } else {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          JsonToken t = p.nextToken();
          if (!f.equals("checks")) {
            v.add(new Violation("$." + f, "unknown field; expected checks"));
            p.skipChildren();
          } else if (t != JsonToken.START_ARRAY) {
            v.add(new Violation("$.checks", "must be an array of checks"));
            p.skipChildren();
          } else {
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
              if (i >= config.maxBatch()) {
                v.add(new Violation("$.checks", "more than " + config.maxBatch()
                    + " checks (server.max-batch)"));
                break;
              }
              List<Violation> iv = new ArrayList<>(0);
              CheckRequest r = CheckRequest.read(p, itemPath(i), config.maxKeyLength(), iv);
              items.add(r != null ? r : iv);
              i++;
            }
          }
        }
      }
    } catch (IOException e) {
      v.add(new Violation("$", "not valid JSON: " + HttpJson.firstLine(e)));
    }
    if (!v.isEmpty()) {
      Problem.invalid(ctx.response(), "Invalid batch", v);
      return;
    }
    RuleBook rules = pipeline.book();
    HttpServerRequest http = ctx.request();
    Object[] decided = new Object[items.size()];
    List<CompletableFuture<Outcome>> pending = rules.inline() ? List.of() : new ArrayList<>();
    try {
      for (int i = 0; i < decided.length; i++) {
        decided[i] = decideItem(rules, items.get(i), http, pending);
      }
    } catch (RuntimeException e) {
      backendFailure(ctx.response(), e);
      return;
    }
    if (pending.isEmpty()) {
      batchTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      HttpJson.send(ctx.response(), 200, writeBatch(decided));
      return;
    }
    // A remote engine: every item is in flight at once (pipelined on the engine's connections);
    // the answer is written when the last completes.
    Future.fromCompletionStage(CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)),
        ctx.vertx().getOrCreateContext()).onComplete(ar -> {
          if (ar.failed()) {
            backendFailure(ctx.response(), ar.cause());
            return;
          }
          batchTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          HttpJson.send(ctx.response(), 200, writeBatch(decided));
        });
  }

  /**
   * One batch item: an {@link Outcome} (inline engine), a future of one (remote engine, added to
   * {@code pending} too), a problem for a bad item.
   */
  private Object decideItem(RuleBook rules, Object item, HttpServerRequest http,
      List<CompletableFuture<Outcome>> pending) {
    if (!(item instanceof CheckRequest req)) {
      return item;
    }
    RuleDefinition rule;
    try {
      rule = selectRule(req, rules);
    } catch (UnknownRuleException e) {
      return e;
    }
    ScopeKeys keys = new ScopeKeys(identify(req, http), endpoint(req));
    if (rules.inline()) {
      return rules.decideBlocking(rule, keys, req.cost());
    }
    CompletableFuture<Outcome> f = rules.decide(rule, keys, req.cost()).toCompletableFuture();
    pending.add(f);
    return f;
  }

  /** {@code {"results":[outcome | {"error": problem}]}}, in the order of the request. */
  private Buffer writeBatch(Object[] decided) {
    long now = pipeline.engine().timeSource().nowMicros();
    JsonOut out = new JsonOut(32 + decided.length * 128);
    out.ascii("{\"results\":[");
    for (int i = 0; i < decided.length; i++) {
      if (i > 0) {
        out.ch(',');
      }
      Object it = decided[i];
      if (it instanceof CompletableFuture<?> f) {
        it = f.join(); // complete: written after allOf
      }
      switch (it) {
        case Outcome o -> writeOutcome(out, o, now, null);
        case UnknownRuleException e -> out
            .ascii("{\"error\":{\"status\":404,\"title\":\"Unknown rule\",\"detail\":")
            .string("no rule with id '" + CheckRequest.abbreviate(e.ruleId) + "'")
            .ascii("}}");
        default -> {
          @SuppressWarnings("unchecked")
          List<Violation> iv = (List<Violation>) it;
          out.ascii("{\"error\":").json(Problem.body(400, "invalid-request", "Invalid check",
              iv.size() + " invalid field(s); see errors", iv).toString()).ch('}');
        }
      }
    }
    return out.ascii("]}").toBuffer();
  }

  /** The engine failed: a 503, counted and logged. */
  void backendFailure(HttpServerResponse res, Throwable e) {
    metrics.backendError(pipeline.engineName());
    LOG.warn("rate-limit engine failed: {}", e.toString());
    Problem.send(res, 503, "backend-unavailable", "Service Unavailable",
        "the rate-limit backend could not decide; retry later");
  }

  /** {@code $.checks[i]}, the path of batch item {@code i} in violations. */
  private static String itemPath(int i) {
    if (i >= ITEM_PATHS.length) {
      return "$.checks[" + i + "]";
    }
    String at = ITEM_PATHS[i];
    if (at == null) {
      at = "$.checks[" + i + "]";
      ITEM_PATHS[i] = at;  // a benign race: every thread writes the same string
    }
    return at;
  }
}
