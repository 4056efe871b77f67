package dev.sluice.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.frontend.StatsView;
import dev.sluice.frontend.http.Problem;
import dev.sluice.rules.Pipeline;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.RuleSetCodec;
import dev.sluice.stats.RuleSnapshot;
import dev.sluice.stats.TrafficStats;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operators' view: {@code GET /rate-limits/stats} and {@code GET /rate-limits/stats/:rule}
 * (admin token, like the rules API), and the web console at {@code /console/} (plain HTML, JS
 * and CSS served from the jar; the page itself holds no data, every call it makes sends the
 * token). See docs/http.md ("Traffic statistics") and docs/console.md.
 *
 * <p>Query parameters: {@code top} (clients per list, 0-{@value #MAX_TOP}, default
 * {@value #DEFAULT_TOP}) and {@code period} (a duration, a multiple of one stats slice up to the
 * stats period; default the whole period). A bad or unknown parameter is a 400 problem whose
 * {@code errors[]} name it as {@code parameter}; an unknown rule a 404.
 *
 * <p>Client keys are shown as the check API shows them: an API key only as a digest.
 *
 * <p>Thread-safe.
 */
public final class ConsoleRoutes {
  static final int MAX_TOP = 100;
  static final int DEFAULT_TOP = 10;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> PARAMS = Set.of("top", "period");
  /** The console's files: name to content type. */
  private static final Map<String, String> FILES = Map.of(
      "index.html", "text/html; charset=utf-8",
      "console.js", "text/javascript; charset=utf-8",
      "console.css", "text/css; charset=utf-8");
  /**
   * No inline script or style, nothing from elsewhere: even a mistake that put user text into
   * markup could not run it.
   */
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; "
      + "base-uri 'none'";

  private final Pipeline pipeline;
  private final TrafficStats stats;
  private final Map<String, Buffer> files = new LinkedHashMap<>();

  /** The routes over {@code pipeline}'s rules and {@code stats}. */
  public ConsoleRoutes(Pipeline pipeline, TrafficStats stats) {
    this.pipeline = pipeline;
    this.stats = stats;
    for (String name : FILES.keySet()) {
      try (InputStream in = ConsoleRoutes.class.getResourceAsStream(
          "/dev/sluice/server/console/" + name)) {
        if (in == null) {
          throw new IllegalStateException("console file " + name + " missing from the jar");
        }
        files.put(name, Buffer.buffer(in.readAllBytes()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Adds the routes to {@code r}; {@code authorize} guards the stats API. */
  public void register(Router r, Handler<RoutingContext> authorize) {
    r.route("/rate-limits/stats*").handler(authorize);
    r.get("/rate-limits/stats").handler(this::all);
    r.get("/rate-limits/stats/:rule").handler(this::one);
    // Vert.x routes "/console" for "/console/" too: relative links need the slash.
    r.get("/console").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) {
        file(ctx, "index.html");
      } else {
        ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, "/console/").end();
      }
    });
    r.get("/console/:file").handler(ctx -> file(ctx, ctx.pathParam("file")));
  }

  private void file(RoutingContext ctx, String name) {
    Buffer b = files.get(name);
    if (b == null) {
      Problem.send(ctx.response(), 404, "not-found", "Not Found",
          "no resource at " + CheckRequest.abbreviate(ctx.request().path()));
      return;
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, FILES.get(name))
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-cache")
        .end(b);
  }

  /** The validated query, or null after answering 400. */
  private record Query(int top, Duration period, int slices) {}

  private Query query(RoutingContext ctx) {
    List<String[]> bad = new ArrayList<>();
    var params = ctx.queryParams();
    for (String name : params.names()) {
      if (!PARAMS.contains(name)) {
        bad.add(new String[] {name, "unknown parameter; expected top or period"});
      } else if (params.getAll(name).size() > 1) {
        bad.add(new String[] {name, "given " + params.getAll(name).size() + " times"});
      }
    }
    int top = DEFAULT_TOP;
    String t = params.get("top");
    if (t != null) {
      try {
        top = Integer.parseInt(t.trim());
        if (top < 0 || top > MAX_TOP) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        bad.add(new String[] {"top", "'" + CheckRequest.abbreviate(t)
            + "' must be an integer in [0, " + MAX_TOP + "]"});
      }
    }
    Duration period = stats.config().period();
    int slices = stats.config().slices();
    String p = params.get("period");
    if (p != null) {
      try {
        period = RuleSetCodec.parseDuration(p);
        slices = stats.slicesOf(period);
      } catch (IllegalArgumentException | ArithmeticException e) {
        bad.add(new String[] {"period", e.getMessage()});
      }
    }
    if (!bad.isEmpty()) {
      ObjectNode body = Problem.body(400, "invalid-request", "Invalid parameters",
          bad.size() + " invalid parameter" + (bad.size() == 1 ? "" : "s") + "; see errors",
          List.of());
      ArrayNode errors = body.putArray("errors");
      for (String[] b : bad) {
        errors.addObject().put("parameter", b[0]).put("detail", b[1]);
      }
      Problem.send(ctx.response(), 400, body);
      return null;
    }
    return new Query(top, period, slices);
  }

  private void all(RoutingContext ctx) {
    Query q = query(ctx);
    if (q == null) {
      return;
    }
    ObjectNode out = head(q);
    ArrayNode list = out.putArray("rules");
    for (String id : StatsView.ids(pipeline, stats)) {
      list.add(rule(id, q));
    }
    json(ctx.response(), out);
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("rule");
    if (pipeline.book().rule(id) == null
        && !(id.startsWith(StatsView.ENVOY_PREFIX) && stats.rules().contains(id))) {
      Problem.send(ctx.response(), 404, "unknown-rule", "Unknown rule",
          "no rule with id '" + CheckRequest.abbreviate(id) + "'");
      return;
    }
    Query q = query(ctx);
    if (q == null) {
      return;
    }
    ObjectNode out = head(q);
    out.setAll(rule(id, q));
    json(ctx.response(), out);
  }

  private ObjectNode head(Query q) {
    ObjectNode o = JSON.createObjectNode();
    o.put("period", RuleSetCodec.formatDuration(
        Duration.ofMillis(q.slices() * stats.config().sliceMillis())));
    o.put("slice", RuleSetCodec.formatDuration(Duration.ofMillis(stats.config().sliceMillis())));
    o.put("top", q.top());
    return o;
  }

  private ObjectNode rule(String id, Query q) {
    stats.traffic(id); // a rule with no traffic yet reads as zeros
    RuleSnapshot s = stats.snapshot(id, q.period(), q.top()).orElseThrow();
    ObjectNode o = JSON.createObjectNode();
    o.put("rule", id);
    RuleDefinition r = pipeline.book().rule(id);
    o.put("source", r != null ? "rules" : "envoy");
    if (r != null) {
      o.put("shadow", r.shadow());
    }
    o.put("from", Instant.ofEpochMilli(s.fromMillis()).toString());
    o.put("to", Instant.ofEpochMilli(s.toMillis()).toString());
    o.put("requested_total", s.requestedTotal());
    o.put("denied_total", s.deniedTotal());
    ObjectNode u = o.putObject("unique_clients");
    u.put("estimate", Math.round(s.uniqueClients().estimate()));
    u.put("lower", Math.floor(s.uniqueClients().lower()));
    u.put("upper", Math.ceil(s.uniqueClients().upper()));
    u.put("confidence", 0.95);
    top(o.putObject("denied_most"), s.deniedMost());
    top(o.putObject("requested_most"), s.requestedMost());
    RuleSnapshot.Rates rt = s.rates();
    ObjectNode rates = o.putObject("rates");
    rates.put("window_s", rt.windowSeconds());
    rates.put("allowed", rt.allowed());
    rates.put("denied", rt.denied());
    rates.put("shadow_denied", rt.shadowDenied());
    rates.put("degraded", rt.degraded());
    ObjectNode series = o.putObject("series");
    series.put("start_s", rt.seriesStartSecond());
    series.put("step_s", 1);
    array(series.putArray("allowed"), rt.allowedSeries());
    array(series.putArray("denied"), rt.deniedSeries());
    array(series.putArray("shadow_denied"), rt.shadowDeniedSeries());
    array(series.putArray("degraded"), rt.degradedSeries());
    return o;
  }

  private static void top(ObjectNode o, RuleSnapshot.TopList t) {
    o.put("max_error", t.maxError());
    ArrayNode a = o.putArray("clients");
    for (RuleSnapshot.TopClient c : t.clients()) {
      a.addObject().put("client", StatsView.displayClient(c.client())).put("estimate", c.estimate())
          .put("lower", c.lower()).put("upper", c.upper());
    }
  }

  private static void array(ArrayNode a, long[] values) {
    for (long v : values) {
      a.add(v);
    }
  }

  private static void json(HttpServerResponse res, ObjectNode body) {
    res.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader("Cache-Control", "no-store").end(body.toString());
  }
}
