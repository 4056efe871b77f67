package dev.sluice.gateway;

import dev.sluice.frontend.EventLoopDecisions;
import dev.sluice.frontend.http.Problem;
import dev.sluice.frontend.http.RateLimitHeaders;
import dev.sluice.gateway.GatewayConfig.Route;
import dev.sluice.gateway.GatewayConfig.Tiers;
import dev.sluice.rules.Pipeline;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.decide.Outcome;
import dev.sluice.rules.decide.RuleBook;
import dev.sluice.rules.decide.ScopeKeys;
import dev.sluice.rules.identity.ClientIdentity;
import dev.sluice.rules.identity.TrustedProxies;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The request flow of the gateway, one step per method: {@link #handle} checks limits on the
 * request itself, {@link #route} finds the route (404 when none), {@link #rateLimit} identifies
 * the client, matches a rule and decides (429 with the service's headers when denied),
 * {@link #admit} applies the upstream's concurrency limit by tier (503 when shed),
 * {@link #dispatch} picks a host and connects (retrying connect failures of idempotent methods
 * on other hosts within the retry budget), and {@link #relay} streams the response back with the
 * rate-limit headers added. WebSocket upgrades are relayed frame by frame ({@link #webSocket}).
 *
 * <p>Bodies are streamed both ways with back-pressure ({@code pipeTo}): memory per request is
 * bounded by the socket buffers, whatever the body size. One instance per event loop, each with
 * its own keep-alive pool to the upstreams.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {
  /** RFC 9110 §7.6.1 hop-by-hop fields, plus the non-standard ones proxies also drop. */
  static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding",
      "upgrade");

  private final Vertx vertx;
  private final HttpClient client;
  private final HttpClient h2Client;
  private final UpstreamTls tls;
  private final WebSocketClient webSockets;
  private final Pipeline pipeline;
  private final Supplier<Routing> routing;
  private final GatewayMetrics metrics;
  private final LongSupplier clock;
  private final TrustedProxies trusted;

  ProxyHandler(Vertx vertx, HttpClient client, HttpClient h2Client, UpstreamTls tls,
      WebSocketClient webSockets, Pipeline pipeline,
      Supplier<Routing> routing, GatewayMetrics metrics, LongSupplier clock,
      TrustedProxies trusted) {
    this.vertx = vertx;
    this.client = client;
    this.h2Client = h2Client;
    this.tls = tls;
    this.webSockets = webSockets;
    this.pipeline = pipeline;
    this.routing = routing;
    this.metrics = metrics;
    this.clock = clock;
    this.trusted = trusted;
  }

  /** One exchange's state. */
  private static final class Exchange {
    final HttpServerRequest req;
    final Routing routing;
    final boolean fromTrusted;
    final String peer;
    Route route;
    UpstreamPool pool;
    Outcome outcome;
    String tier;
    int inFlightAtStart = -1;
    long admittedAt;
    final List<HostState> tried = new ArrayList<>(2);
    HttpClientRequest upstream;
    boolean finished;
    /** The client hung up before its response ended: nothing after that is the upstream's fault. */
    boolean clientGone;

    Exchange(HttpServerRequest req, Routing routing, String peer, boolean fromTrusted) {
      this.req = req;
      this.routing = routing;
      this.peer = peer;
      this.fromTrusted = fromTrusted;
    }
  }

  @Override
  public void handle(HttpServerRequest req) {
    req.pause();
    Routing r = routing.get();
    if (req.headers().size() > r.config().maxHeaders()) {
      reject(req, 431, "too-many-headers", "Request Header Fields Too Large",
          req.headers().size() + " header fields; at most " + r.config().maxHeaders());
      return;
    }
    String peer = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    Exchange x = new Exchange(req, r, peer, isTrusted(peer));
    route(x);
  }

  /** Step: the first route that takes the request. */
  private void route(Exchange x) {
    x.route = x.routing.route(x.req.method().name(), x.req.path());
    if (x.route == null) {
      reject(x.req, 404, "no-route", "Not Found",
          "no gateway route matches " + x.req.method().name() + " " + x.req.path());
      return;
    }
    x.pool = x.routing.pools().get(x.route.upstream());
    rateLimit(x);
  }

  /** Step: who is asking, which rule governs the request, and what it decides. */
  private void rateLimit(Exchange x) {
    RuleBook book = pipeline.book();
    MultiMap headers = x.req.headers();
    Function<String, String> header = headers::get;
    ClientIdentity who = pipeline.identifier().identify(x.peer, header, null, null);
    RuleDefinition rule = book.match(x.req.method().name(), x.req.path(), header);
    ScopeKeys keys = new ScopeKeys(who, x.req.method().name() + " " + x.req.path());
    EventLoopDecisions.decide(vertx, book, rule, keys, 1).onComplete(ar -> {
      if (ar.failed()) {
        reject(x.req, 503, "backend-unavailable", "Service Unavailable",
            "the rate-limit backend could not decide; retry later");
        return;
      }
      x.outcome = ar.result();
      if (!x.outcome.allowed()) {
        HttpServerResponse res = x.req.response();
        RateLimitHeaders.add(res.headers(), x.outcome, now());
        String retry = res.headers().get("Retry-After");
        reject(x.req, 429, "rate-limited", "Too Many Requests", "rule '"
            + x.outcome.rule().id() + "' allows no more requests now"
            + (retry != null ? "; retry after " + retry + " s" : ""));
        return;
      }
      admit(x);
    });
  }

  /** Step: the upstream's concurrency limit, lowest tiers shed first. */
  private void admit(Exchange x) {
    Tiers tiers = x.routing.config().tiers();
    x.tier = tierOf(x, tiers);
    metrics.tierRequests(x.pool.spec().name(), x.tier).increment();
    AdaptiveLimiter limiter = x.pool.limiter();
    if (limiter != null) {
      x.inFlightAtStart = limiter.tryAcquire(tiers.indexOf(x.tier));
      if (x.inFlightAtStart < 0) {
        metrics.shed(x.pool.spec().name(), x.tier).increment();
        x.req.response().putHeader("Retry-After", "1");
        addRateLimitHeaders(x);
        reject(x.req, 503, "overloaded", "Service Unavailable", "upstream '"
            + x.pool.spec().name() + "' is at its concurrency limit; tier '" + x.tier
            + "' is shed first");
        return;
      }
      x.admittedAt = clock.getAsLong();
    }
    x.pool.retryBudget().request();
    x.req.response().closeHandler(v -> {
      clientGone(x);
      if (x.upstream != null) {
        x.upstream.reset(); // the client is gone: stop waiting for the upstream
      }
    });
    dispatch(x);
  }

  private String tierOf(Exchange x, Tiers tiers) {
    if (tiers.header() != null && x.fromTrusted) {
      String h = x.req.headers().get(tiers.header());
      if (h != null && tiers.indexOf(h.trim()) >= 0) {
        return h.trim();
      }
    }
    if (x.outcome.rule() != null) {
      String t = tiers.byRule().get(x.outcome.rule().id());
      if (t != null) {
        return t;
      }
    }
    return x.route.tier() != null ? x.route.tier() : tiers.fallback();
  }

  /** Step: pick a host and connect; connect failures of idempotent methods go elsewhere. */
  private void dispatch(Exchange x) {
    UpstreamPool.Pick pick = x.pool.pick(hashKey(x), x.tried);
    if (pick == null) {
      finish(x, true);
      if (x.tried.isEmpty()) {
        addRateLimitHeaders(x);
        reject(x.req, 503, "no-healthy-host", "Service Unavailable",
            "no healthy host in upstream '" + x.pool.spec().name() + "'");
      } else {
        badGateway(x, "every host of upstream '" + x.pool.spec().name() + "' refused "
            + "the connection");
      }
      return;
    }
    if (pick.panic()) {
      metrics.panic(x.pool.spec().name()).increment();
    }
    HostState host = pick.host();
    x.tried.add(host);
    if (isWebSocketUpgrade(x.req)) {
      webSocket(x, host);
      return;
    }
    RequestOptions o = tls.apply(new RequestOptions().setMethod(x.req.method())
        .setHost(host.spec.url().getHost()).setPort(host.spec.port()).setURI(x.req.uri())
        .setConnectTimeout(x.pool.spec().connectTimeout().toMillis()), x.pool.spec(),
        host.spec);
    long started = clock.getAsLong();
    host.host.begin();
    (x.pool.spec().http2() ? h2Client : client).request(o).onComplete(ar -> {
      if (ar.failed()) {
        connectFailed(x, host, "could not be reached");
        return;
      }
      if (x.finished) {
        ar.result().reset();
        host.host.end(-1);
        return;
      }
      forward(x, host, ar.result(), started);
    });
  }

  /**
   * The connection to {@code host} (or its WebSocket handshake) failed: it counts against the
   * host, then the exchange is retried on another host if it may be, else answered 502 saying
   * the upstream {@code failed}.
   */
  private void connectFailed(Exchange x, HostState host, String failed) {
    host.host.end(-1);
    host.meters.failure("connect_error");
    passiveFailure(x.pool, host);
    if (mayRetry(x)) {
      metrics.retries(x.pool.spec().name()).increment();
      dispatch(x);
    } else {
      finish(x, true);
      badGateway(x, "upstream '" + x.pool.spec().name() + "' " + failed);
    }
  }

  private static boolean isWebSocketUpgrade(HttpServerRequest req) {
    String upgrade = req.headers().get(HttpHeaders.UPGRADE);
    return req.version() == HttpVersion.HTTP_1_1 && req.method() == HttpMethod.GET
        && upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
  }

  /**
   * A WebSocket upgrade: the upstream handshake first (so a refusal is an ordinary 502, and
   * a connect failure is retried like any GET), then the client's, then frames are relayed
   * as they are (text, binary, continuation, ping) both ways with back-pressure. The exchange
   * leaves the concurrency limit once connected: a long-lived socket must not hold a slot.
   */
  private void webSocket(Exchange x, HostState host) {
    HttpServerRequest req = x.req;
    WebSocketConnectOptions o = tls.apply(new WebSocketConnectOptions()
        .setHost(host.spec.url().getHost()).setPort(host.spec.port()).setURI(req.uri())
        .setConnectTimeout(x.pool.spec().connectTimeout().toMillis()), x.pool.spec(),
        host.spec);
    MultiMap out = HttpHeaders.headers();
    Set<String> drop = connectionTokens(req.headers());
    for (Map.Entry<String, String> e : req.headers()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !drop.contains(name) && !name.equals("host")
          && !name.startsWith("sec-websocket-") && !name.equals("x-forwarded-for")
          && !name.equals("forwarded")) {
        out.add(e.getKey(), e.getValue());
      }
    }
    addForwarded(x, out);
    for (Map.Entry<String, String> e : out) {
      o.addHeader(e.getKey(), e.getValue());
    }
    String protocols = req.headers().get("Sec-WebSocket-Protocol");
    if (protocols != null) {
      for (String p : protocols.split(",")) {
        o.addSubProtocol(p.trim());
      }
    }
    long started = clock.getAsLong();
    host.host.begin();
    webSockets.connect(o).onComplete(ar -> {
      if (ar.failed()) {
        connectFailed(x, host, "refused the WebSocket");
        return;
      }
      WebSocket upstream = ar.result();
      long latency = clock.getAsLong() - started;
      host.meters.response(101, latency);
      host.succeeded(x.pool.spec().outlier(), clock.getAsLong());
      finish(x, false);
      addRateLimitHeaders(x);
      req.toWebSocket().onComplete(sr -> {
        if (sr.failed()) {
          upstream.close();
          host.host.end(-1);
          return;
        }
        ServerWebSocket client = sr.result();
        metrics.responses(101).increment();
        relayFrames(client, upstream);
        relayFrames(upstream, client);
        client.closeHandler(v -> upstream.close());
        upstream.closeHandler(v -> {
          host.host.end(-1);
          client.close();
        });
      });
    });
  }

  private static void relayFrames(WebSocketBase from, WebSocketBase to) {
    from.frameHandler(frame -> {
      if (frame.isClose()) {
        return; // each side's close handler closes the other
      }
      to.writeFrame(frame);
      if (to.writeQueueFull()) {
        from.pause();
        to.drainHandler(v -> from.resume());
      }
    });
  }

  /** Whether another attempt is allowed: idempotent, attempts left, budget left. */
  private static boolean mayRetry(Exchange x) {
    return !x.finished && GatewayConfig.IDEMPOTENT.contains(x.req.method().name())
        && x.tried.size() <= x.pool.spec().retry().attempts()
        && x.pool.retryBudget().tryRetry();
  }

  /** Whether the request carries no body (so it can be sent again after a reset). */
  private static boolean bodiless(HttpServerRequest req) {
    String length = req.headers().get(HttpHeaders.CONTENT_LENGTH);
    return !req.headers().contains(HttpHeaders.TRANSFER_ENCODING)
        && (length == null ? req.version() != HttpVersion.HTTP_2 || req.isEnded()
            : length.trim().equals("0"));
  }

  /** Sends the request head and streams the body to the upstream. */
  private void forward(Exchange x, HostState host, HttpClientRequest up, long started) {
    HttpServerRequest req = x.req;
    x.upstream = up;
    // Failures reach up.response()'s handler below; without this one Vert.x would also log
    // every reset, including ours for clients that hung up.
    up.exceptionHandler(e -> { });
    MultiMap out = up.headers();
    Set<String> drop = connectionTokens(req.headers());
    for (Map.Entry<String, String> e : req.headers()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !drop.contains(name) && !name.equals("host")
          && !name.equals("x-forwarded-for") && !name.equals("forwarded")) {
        out.add(e.getKey(), e.getValue());
      }
    }
    addForwarded(x, out);
    // Without a length the body is chunked to the upstream: an HTTP/1.1 chunked body, or any
    // HTTP/2 (h2c) request, whose frames carry no length up front.
    boolean chunked = !req.headers().contains(HttpHeaders.CONTENT_LENGTH)
        && (req.headers().contains(HttpHeaders.TRANSFER_ENCODING)
            || req.version() == HttpVersion.HTTP_2);
    if (chunked) {
      up.setChunked(true);
    }
    long timerId = vertx.setTimer(x.route.timeout().toMillis(), t -> {
      up.reset();
      host.host.end(-1);
      host.meters.failure("timeout");
      finish(x, true);
      if (!req.response().headWritten()) {
        addRateLimitHeaders(x);
        reject(req, 504, "upstream-timeout", "Gateway Timeout", "upstream '"
            + x.pool.spec().name() + "' did not answer within "
            + x.route.timeout().toMillis() + " ms");
      } else {
        req.response().reset();
      }
    });
    up.response().onComplete(ar -> {
      if (!vertx.cancelTimer(timerId)) {
        return; // the timeout answered
      }
      if (ar.failed()) {
        host.host.end(-1);
        if (x.clientGone) {
          return; // the reset was ours, for a client that left: no verdict on the upstream
        }
        host.meters.failure("reset");
        passiveFailure(x.pool, host);
        // A connection that died before any answer (often a pooled one the upstream closed):
        // a bodiless idempotent request can be sent again as it was.
        if (mayRetry(x) && bodiless(req)) {
          metrics.retries(x.pool.spec().name()).increment();
          dispatch(x);
          return;
        }
        finish(x, true);
        badGateway(x, "upstream '" + x.pool.spec().name() + "' failed: "
            + ar.cause().getClass().getSimpleName());
        return;
      }
      long latency = clock.getAsLong() - started;
      relay(x, host, ar.result(), latency);
    });
    if (req.isEnded()) {
      up.end(); // a retry of a bodiless request: the body (none) was read by the first attempt
    } else {
      req.pipeTo(up).onFailure(e -> up.reset());
      req.resume();
    }
  }

  /** Step: the response back to the client, streamed, with the rate-limit headers. */
  private void relay(Exchange x, HostState host, HttpClientResponse up, long latencyNanos) {
    int status = up.statusCode();
    host.host.end(latencyNanos);
    host.meters.response(status, latencyNanos);
    if (status >= 500) {
      passiveFailure(x.pool, host);
    } else {
      host.succeeded(x.pool.spec().outlier(), clock.getAsLong());
    }
    HttpServerResponse res = x.req.response();
    if (res.closed()) {
      up.request().reset();
      finish(x, status == 503 || status == 504);
      return;
    }
    res.setStatusCode(status);
    if (up.statusMessage() != null) {
      res.setStatusMessage(up.statusMessage());
    }
    MultiMap in = up.headers();
    Set<String> drop = connectionTokens(in);
    for (Map.Entry<String, String> e : in) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !drop.contains(name)) {
        res.headers().add(e.getKey(), e.getValue());
      }
    }
    addRateLimitHeaders(x);
    if (!in.contains(HttpHeaders.CONTENT_LENGTH) && status != 204 && status != 304
        && !"HEAD".equals(x.req.method().name())) {
      res.setChunked(true);
    }
    metrics.responses(status).increment();
    boolean dropped = status == 503 || status == 504;
    // By hand rather than pipeTo: a client that goes away mid-body must stop the relay and
    // free the upstream connection, not fail a write into a closed response.
    res.closeHandler(v -> {
      clientGone(x);
      up.request().reset();
    });
    up.exceptionHandler(e -> {
      finish(x, true);
      if (!res.closed()) {
        res.reset(); // the upstream broke off mid-body: the client must not take it as whole
      }
    });
    // Each chunk is held back until the next one arrives, so the last goes out with the end
    // of the response: a small response leaves in one write (head, body and end together).
    Buffer[] held = new Buffer[1];
    up.handler(chunk -> {
      if (res.closed()) {
        return;
      }
      Buffer previous = held[0];
      held[0] = chunk;
      if (previous != null) {
        res.write(previous);
        if (res.writeQueueFull()) {
          up.pause();
          res.drainHandler(v -> up.resume());
        }
      }
    });
    up.endHandler(v -> {
      finish(x, dropped);
      if (!res.closed()) {
        if (held[0] != null) {
          res.end(held[0]);
        } else {
          res.end();
        }
      }
    });
  }

  private void addRateLimitHeaders(Exchange x) {
    if (x.outcome != null) {
      RateLimitHeaders.add(x.req.response().headers(), x.outcome, now());
    }
  }

  /** {@code X-Forwarded-*} and {@code Forwarded}: appended when the peer is trusted, else new. */
  private static void addForwarded(Exchange x, MultiMap out) {
    MultiMap in = x.req.headers();
    String peer = x.peer == null ? "unknown" : x.peer;
    String xff = x.fromTrusted ? in.get("X-Forwarded-For") : null;
    out.set("X-Forwarded-For", xff == null ? peer : xff + ", " + peer);
    String node = peer.contains(":") ? "\"[" + peer + "]\"" : peer;
    String host = x.req.authority() != null ? x.req.authority().toString() : null;
    String element = "for=" + node + (host != null ? ";host=\"" + host + "\"" : "")
        + ";proto=http";
    String fwd = x.fromTrusted ? in.get("Forwarded") : null;
    out.set("Forwarded", fwd == null ? element : fwd + ", " + element);
    if (!x.fromTrusted || !in.contains("X-Forwarded-Proto")) {
      out.set("X-Forwarded-Proto", "http");
    }
    if (host != null && (!x.fromTrusted || !in.contains("X-Forwarded-Host"))) {
      out.set("X-Forwarded-Host", host);
    }
  }

  private static Set<String> connectionTokens(MultiMap headers) {
    List<String> values = headers.getAll(HttpHeaders.CONNECTION);
    if (values.isEmpty()) {
      return Set.of();
    }
    Set<String> out = new HashSet<>();
    for (String v : values) {
      for (String t : v.split(",")) {
        out.add(t.trim().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  private String hashKey(Exchange x) {
    var on = x.pool.spec().hashOn();
    if (on.header() != null) {
      String v = x.req.headers().get(on.header());
      if (v != null) {
        return v;
      }
    } else if (on.cookie() != null) {
      var c = x.req.getCookie(on.cookie());
      if (c != null) {
        return c.getValue();
      }
    }
    return x.peer;
  }

  private void passiveFailure(UpstreamPool pool, HostState host) {
    if (host.failed(pool.spec().outlier(), clock.getAsLong(), pool::mayEject)) {
      host.meters.ejected();
    }
  }

  /** Ends the exchange's hold on the concurrency limit, once, with a latency sample. */
  private void finish(Exchange x, boolean dropped) {
    if (x.finished) {
      return;
    }
    x.finished = true;
    AdaptiveLimiter limiter = x.pool == null ? null : x.pool.limiter();
    if (limiter != null && x.inFlightAtStart >= 0) {
      long now = clock.getAsLong();
      limiter.release(x.admittedAt, now - x.admittedAt, x.inFlightAtStart, dropped);
    }
  }

  /**
   * The client hung up before its response ended: counted as its own outcome, never as an
   * upstream failure, and the exchange leaves the concurrency limit without a sample (its time
   * says how long the client waited, not how long the upstream took).
   */
  private void clientGone(Exchange x) {
    if (x.clientGone) {
      return;
    }
    x.clientGone = true;
    metrics.clientClosed(x.pool == null ? "" : x.pool.spec().name()).increment();
    if (x.finished) {
      return;
    }
    x.finished = true;
    AdaptiveLimiter limiter = x.pool == null ? null : x.pool.limiter();
    if (limiter != null && x.inFlightAtStart >= 0) {
      limiter.abandon();
    }
  }

  private void badGateway(Exchange x, String detail) {
    if (x.req.response().headWritten()) {
      x.req.response().reset();
      return;
    }
    addRateLimitHeaders(x);
    reject(x.req, 502, "bad-gateway", "Bad Gateway", detail);
  }

  /** Answers with a problem; an unread request body is drained so the connection stays usable. */
  private void reject(HttpServerRequest req, int status, String type, String title,
      String detail) {
    metrics.responses(status).increment();
    if (!req.isEnded()) {
      req.resume();
    }
    Problem.send(req.response(), status, type, title, detail);
  }

  private long now() {
    return pipeline.engine().timeSource().nowMicros();
  }

  private boolean isTrusted(String peer) {
    if (peer == null || trusted.isEmpty()) {
      return false;
    }
    try {
      return trusted.contains(InetAddress.getByName(peer));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
