package dev.sluice.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Decision;
import dev.sluice.rules.Pipeline;
import dev.sluice.spi.EngineHealth;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.RuleSet;
import dev.sluice.rules.RuleSetCodec;
import dev.sluice.rules.Violation;
import dev.sluice.rules.decide.Outcome;
import dev.sluice.rules.decide.RuleBook;
import dev.sluice.rules.decide.ScopeKeys;
import dev.sluice.rules.identity.ClientIdentity;
import dev.sluice.rules.store.PreconditionFailedException;
import dev.sluice.rules.store.StoreUnavailableException;
import dev.sluice.server.config.ServerConfig;
import dev.sluice.server.metrics.ServerMetrics;
import dev.sluice.stats.TrafficStats;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API (see docs/http.md). A check flows through one method per step:
 * {@link #identify} (who), {@link #selectRule} (which rule), {@link RuleBook#decide} (the
 * engine), {@link #respond} (status, headers, body).
 *
 * <p>Routes: {@code GET/PUT /rate-limits/rules}, {@code GET/PUT/DELETE /rate-limits/rules/:id}
 * (admin token), {@code POST /rate-limit/check}, {@code POST /rate-limit/check/batch},
 * {@code GET /healthz}, {@code GET /readyz}, {@code GET /metrics}; the stats API and the console
 * ({@link ConsoleRoutes}).
 *
 * <p>Thread-safe: one instance serves every event loop; per-request state lives on the stack.
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
          .maxStringLength(1 << 20).build()).build();
  private static final String JSON_TYPE = "application/json";
  private static final String CHECK_PATH = "/rate-limit/check";

  private final ServerConfig config;
  private final Pipeline pipeline;
  private final ServerMetrics metrics;
  private final byte[] tokenDigest;
  private final Timer singleTimer;
  private final Timer batchTimer;
  private final ConsoleRoutes console;

  /**
   * The HTTP API over {@code pipeline}, counting into {@code metrics}, with the traffic
   * statistics and the console over {@code stats}.
   */
  public HttpApi(ServerConfig config, Pipeline pipeline, ServerMetrics metrics,
      TrafficStats stats) {
    this.config = config;
    this.console = new ConsoleRoutes(pipeline, stats);
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.tokenDigest = config.adminToken() == null ? null : sha256(config.adminToken());
    this.singleTimer = metrics.checkLatency("single");
    this.batchTimer = metrics.checkLatency("batch");
  }

  /** The router of one server instance (one per event loop). */
  public Router router(Vertx vertx) {
    Router r = Router.router(vertx);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    r.get("/healthz").handler(ctx -> json(ctx.response(), 200, "{\"status\":\"up\"}"));
    r.get("/readyz").handler(this::readyz);
    r.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape()));
    r.post("/rate-limit/check").handler(body).handler(this::check);
    r.post("/rate-limit/check/batch").handler(body).handler(this::batch);
    r.route("/rate-limits/rules*").handler(this::authorize);
    r.get("/rate-limits/rules").handler(this::getRules);
    r.put("/rate-limits/rules").handler(body).handler(this::putRules);
    r.get("/rate-limits/rules/:id").handler(this::getRule);
    r.put("/rate-limits/rules/:id").handler(body).handler(this::putRule);
    r.delete("/rate-limits/rules/:id").handler(this::deleteRule);
    console.register(r, this::authorize);
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
      Problem.send(ctx.response(), 500, "internal", "Internal Server Error",
          "an unexpected error was logged by the server");
    });
    return r;
  }

  // ---- health -------------------------------------------------------------------------------

  private void readyz(RoutingContext ctx) {
    // The engine probe may wait on a remote backend: asynchronously, never blocking the loop.
    Future.fromCompletionStage(pipeline.engineReady(), ctx.vertx().getOrCreateContext())
        .onComplete(ar -> readyz(ctx, ar.succeeded() && ar.result()));
  }

  private void readyz(RoutingContext ctx, boolean engineOk) {
    boolean storeOk = pipeline.store().reachable();
    StringBuilder b = new StringBuilder(128).append("{\"ready\":").append(storeOk && engineOk)
        .append(",\"engine\":\"").append(engineOk ? "up" : "down")
        .append("\",\"rule_store\":\"").append(storeOk ? "up" : "down")
        .append("\",\"rules\":").append(pipeline.book().ruleSet().rules().size());
    List<EngineHealth.Sync> syncs = pipeline.engineHealth().syncs();
    if (!syncs.isEmpty()) {
      // A synced view that is old is not unready: the engine goes on deciding on its last view
      // plus its own share. The details say how old the view is.
      b.append(",\"sync\":[");
      for (int i = 0; i < syncs.size(); i++) {
        EngineHealth.Sync s = syncs.get(i);
        b.append(i == 0 ? "" : ",").append("{\"peer\":\"").append(s.peer())
            .append("\",\"current\":").append(s.current())
            .append(",\"interval_ms\":").append(s.intervalMillis())
            .append(",\"last_sync_age_ms\":").append(s.lastSuccessAgeMillis())
            .append(",\"lag_ms\":").append(s.lagMillis())
            .append(",\"last_round_ms\":").append(s.lastRoundMillis())
            .append(",\"consecutive_failures\":").append(s.consecutiveFailures())
            .append(",\"pending_keys\":").append(s.pendingKeys())
            .append(",\"leased_permits\":").append(s.leasedPermits()).append('}');
      }
      b.append(']');
    }
    List<EngineHealth.Region> regions = pipeline.engineHealth().regions();
    if (!regions.isEmpty()) {
      b.append(",\"regions\":[");
      for (int i = 0; i < regions.size(); i++) {
        EngineHealth.Region g = regions.get(i);
        b.append(i == 0 ? "" : ",").append("{\"region\":\"").append(g.region())
            .append("\",\"own\":").append(g.own())
            .append(",\"partitioned\":").append(g.partitioned())
            .append(",\"allocation\":").append(g.allocation())
            .append(",\"admitted\":").append(g.admitted()).append('}');
      }
      b.append(']');
    }
    String bodyText = b.append('}').toString();
    json(ctx.response(), storeOk && engineOk ? 200 : 503, bodyText);
  }

  // ---- checks -------------------------------------------------------------------------------

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
          check(vertx, req, ar.result());
        } catch (RuntimeException e) {
          LOG.error("unexpected failure on POST {}", CHECK_PATH, e);
          Problem.send(req.response(), 500, "internal", "Internal Server Error",
              "an unexpected error was logged by the server");
        }
      });
    };
  }

  private void check(RoutingContext ctx) {
    check(ctx.vertx(), ctx.request(), ctx.body().buffer());
  }

  private void check(Vertx vertx, HttpServerRequest http, Buffer body) {
    long start = System.nanoTime();
    List<Violation> v = new ArrayList<>(0);
    CheckRequest req = null;
    try (JsonParser p = FACTORY.createParser(bytes(body))) {
      p.nextToken();
      req = CheckRequest.read(p, "$", config.maxKeyLength(), v);
      if (req != null && p.nextToken() != null) {
        v.add(new Violation("$", "unexpected content after the check object"));
      }
    } catch (IOException e) {
      v.add(new Violation("$", "not valid JSON: " + firstLine(e)));
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
    decide(vertx, rules, rule, keys, req.cost()).onComplete(ar -> {
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

  /** Step: decide, without blocking an event loop on a remote engine. */
  private static Future<Outcome> decide(Vertx vertx, RuleBook rules, RuleDefinition rule,
      ScopeKeys keys, long cost) {
    if (rules.inline()) {
      try {
        return Future.succeededFuture(rules.decideNow(rule, keys, cost));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    return Future.fromCompletionStage(rules.decide(rule, keys, cost), vertx.getOrCreateContext());
  }

  /** Step: answer. 200 when allowed (shadow denials included), 429 when denied. */
  private void respond(HttpServerResponse res, Outcome o, ClientIdentity who,
      boolean showClient) {
    long now = pipeline.engine().timeSource().nowMicros();
    JsonOut out = new JsonOut(192);
    writeOutcome(out, o, now, showClient ? who : null);
    MultiMap h = res.headers();
    RateLimitHeaders.add(h, o, now);
    h.add(HttpHeaders.CONTENT_TYPE, JSON_TYPE);
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
          out.num(Math.max(1, (d.retryAfterMicros() + 999_999) / 1_000_000));
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
      out.ascii(",\"client\":").string(displayKey(who.key()));
    }
    out.ch('}');
  }

  /** API keys are secrets: responses (and stats) show a digest of them, never the key. */
  public static String displayKey(String key) {
    if (key.startsWith("key:")) {
      return "key:sha256:" + HexFormat.of().formatHex(sha256(key.substring(4)), 0, 6);
    }
    return key;
  }

  private void batch(RoutingContext ctx) {
    long start = System.nanoTime();
    List<Violation> v = new ArrayList<>(0);
    List<Object> items = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(bytes(ctx.body().buffer()))) {
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
      v.add(new Violation("$", "not valid JSON: " + firstLine(e)));
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
      json(ctx.response(), 200, writeBatch(decided));
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
          json(ctx.response(), 200, writeBatch(decided));
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
      return rules.decideNow(rule, keys, req.cost());
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

  private void backendFailure(HttpServerResponse res, Throwable e) {
    metrics.backendError(pipeline.engineName());
    LOG.warn("rate-limit engine failed: {}", e.toString());
    Problem.send(res, 503, "backend-unavailable", "Service Unavailable",
        "the rate-limit backend could not decide; retry later");
  }

  // ---- rules API ----------------------------------------------------------------------------

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
    json(ctx.response(), 200, RuleSetCodec.write(set).toString());
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
    json(ctx.response(), 200, RuleSetCodec.write(r).toString());
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
            json(res, 200, RuleSetCodec.write(ar.result()).toString());
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
    try (JsonParser p = FACTORY.createParser(b.getBytes())) {
      JsonNode n = JSON.readTree(p);
      if (p.nextToken() != null) {
        throw new IOException("unexpected content after the document");
      }
      return n;
    } catch (IOException e) {
      Problem.invalid(ctx.response(), "Invalid rules",
          List.of(new Violation("$", "not valid JSON: " + firstLine(e))));
      return null;
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static byte[] bytes(Buffer b) {
    return b == null ? new byte[0] : b.getBytes();
  }

  private static void json(HttpServerResponse res, int status, String body) {
    res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(body);
  }

  private static void json(HttpServerResponse res, int status, Buffer body) {
    res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(body);
  }

  private static String firstLine(IOException e) {
    String m = e instanceof com.fasterxml.jackson.core.JacksonException je
        ? je.getOriginalMessage() : e.getMessage();
    m = m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    return CheckRequest.abbreviate(m);
  }

  /** The JSON paths of batch items, built once: a batch names its items only in errors. */
  private static final String[] ITEM_PATHS = new String[4096];

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

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** No rule has this id: a 404. */
  private static final class UnknownRuleException extends RuntimeException {
    final String ruleId;

    UnknownRuleException(String ruleId) {
      super(null, null, false, false);
      this.ruleId = ruleId;
    }
  }

  /** A change would exceed {@code rules.max-rules}: a 400. */
  private static final class TooManyRulesException extends RuntimeException {
    final int count;

    TooManyRulesException(int count) {
      super(null, null, false, false);
      this.count = count;
    }
  }
}
