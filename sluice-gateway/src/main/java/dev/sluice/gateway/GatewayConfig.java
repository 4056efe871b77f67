package dev.sluice.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.balance.BalancerKind;
import dev.sluice.frontend.FrontendSections;
import dev.sluice.rules.PathGlob;
import dev.sluice.rules.config.ConfigException;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.rules.config.PipelineConfig;
import dev.sluice.tls.TlsSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The gateway configuration, immutable once read: the {@code gateway} section (listener, admin
 * port, limits, tiers, routes, upstreams) plus the {@code engine}, {@code rules} and
 * {@code identity} sections every front end shares ({@link PipelineConfig}). See
 * {@code config/gateway.yaml} and docs/gateway.md for every key with its default.
 *
 * @param host the address to listen on
 * @param port the port, 0 for any free one
 * @param adminHost the address of the admin listener ({@code /metrics}, {@code /healthz})
 * @param adminPort its port, 0 for any free one, -1 for no admin listener
 * @param reloadInterval how often the file is checked for changes; zero: never
 * @param maxHeaderBytes largest request header block, bytes; larger gets 431
 * @param maxHeaders most request header fields; more gets 431
 * @param maxInitialLineBytes longest request line, bytes; longer gets 414
 * @param idleTimeout idle client connections are closed after this
 * @param drainTimeout on shutdown, how long requests in flight may take to finish
 * @param maxConnectionsPerHost most pooled keep-alive connections to one upstream host, per event
 *     loop
 * @param tiers the priority tiers of adaptive shedding
 * @param routes in order; the first that matches a request wins
 * @param upstreams by name
 * @param pipeline the engine, the rule store and client identity
 * @param tls the listener's {@code gateway.tls} block (several certificates chosen by SNI), or
 *     null for plaintext
 * @param adminTls the admin listener's {@code gateway.admin.tls} block, or null for plaintext
 */
public record GatewayConfig(String host, int port, String adminHost, int adminPort,
    Duration reloadInterval, int maxHeaderBytes, int maxHeaders, int maxInitialLineBytes,
    Duration idleTimeout, Duration drainTimeout, int maxConnectionsPerHost, Tiers tiers,
    List<Route> routes, Map<String, Upstream> upstreams, PipelineConfig pipeline,
    TlsSettings tls, TlsSettings adminTls) {

  /** The methods retried on a connect failure: safe or idempotent (RFC 9110 §9.2.2). */
  public static final Set<String> IDEMPOTENT =
      Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  public GatewayConfig {
    routes = List.copyOf(routes);
    upstreams = Map.copyOf(upstreams);
  }

  /**
   * A route: which requests, and where they go.
   *
   * @param index position in {@code gateway.routes}
   * @param path path glob ({@link PathGlob})
   * @param methods upper-case methods; empty means any
   * @param upstream name of the upstream
   * @param timeout time from sending the request to the upstream's response headers; past it
   *     the client gets 504
   * @param tier the priority tier of its requests, or null for the tier rules
   */
  public record Route(int index, PathGlob path, List<String> methods, String upstream,
      Duration timeout, String tier) {
    public Route {
      methods = List.copyOf(methods);
    }

    /** Whether the route takes a request. */
    public boolean matches(String method, String requestPath) {
      return (methods.isEmpty() || methods.contains(method)) && path.matches(requestPath);
    }
  }

  /**
   * An upstream: a pool of hosts behind one balancer.
   *
   * @param name its key in {@code gateway.upstreams}
   * @param lb the load-balancing algorithm
   * @param hashOn what {@code consistent-hash} and {@code ip-hash} hash
   * @param hosts the hosts
   * @param healthCheck the active check, or null for none
   * @param outlier passive outlier ejection
   * @param retry retries on connect failure
   * @param connectTimeout connect timeout of one attempt
   * @param slowStart a host that joins or recovers ramps its weight up over this; zero: off
   * @param panic what happens when no host is healthy
   * @param adaptive the adaptive concurrency limit
   * @param tls the {@code tls} link block of its {@code https://} hosts (CA, client
   *     certificate, {@code insecure-skip-verify}), or null: the JDK's trust store, no client
   *     certificate
   * @param http2 whether HTTP/2 is offered to its {@code https://} hosts by ALPN ({@code h2},
   *     then {@code http/1.1}; the host chooses)
   */
  public record Upstream(String name, BalancerKind lb, HashOn hashOn, List<HostSpec> hosts,
      HealthCheck healthCheck, Outlier outlier, Retry retry, Duration connectTimeout,
      Duration slowStart, Panic panic, Adaptive adaptive, TlsSettings tls, boolean http2) {
    public Upstream {
      hosts = List.copyOf(hosts);
    }
  }

  /**
   * One host of an upstream.
   *
   * @param url {@code http://host:port} or {@code https://host:port}
   * @param weight relative share for the weighted balancers, at least 1
   */
  public record HostSpec(URI url, int weight) {
    /** Whether the host is reached over TLS ({@code https://}). */
    public boolean secure() {
      return "https".equals(url.getScheme());
    }

    /** {@code host:port} (the port is explicit). */
    public String authority() {
      return url.getHost() + ":" + port();
    }

    /** The port, 80 (443 for {@code https://}) when the URL has none. */
    public int port() {
      return url.getPort() >= 0 ? url.getPort() : secure() ? 443 : 80;
    }
  }

  /** What a hashing balancer hashes: one of the three is set. */
  public record HashOn(String header, String cookie, boolean clientIp) {
    /** Hash on the client address. */
    public static final HashOn CLIENT_IP = new HashOn(null, null, true);
  }

  /**
   * The active health check: {@code GET path} every {@code interval}; a host is marked down after
   * {@code unhealthy} consecutive failures (non-2xx, error or past {@code timeout}) and up
   * after {@code healthy} consecutive successes.
   */
  public record HealthCheck(String path, Duration interval, Duration timeout, int healthy,
      int unhealthy) {}

  /**
   * Passive outlier ejection: after {@code consecutiveFailures} 5xx answers or connect failures
   * in a row a host is ejected for {@code baseEjectionTime} times the number of times it has been
   * ejected, at most {@code maxEjectionTime}; at most {@code maxEjectedShare} of the hosts are
   * ejected at once (and never the last usable one). {@code consecutiveFailures} 0 disables it.
   */
  public record Outlier(int consecutiveFailures, Duration baseEjectionTime,
      Duration maxEjectionTime, double maxEjectedShare) {}

  /**
   * Retries on connect failure, for idempotent methods only ({@link #IDEMPOTENT}): at most
   * {@code attempts} more attempts per request, each on another host, and over any 10 s at most
   * {@code minRetries + budget × requests} retries.
   */
  public record Retry(int attempts, double budget, int minRetries) {}

  /** When every host is unhealthy or ejected. */
  public enum Panic {
    /** Balance over every host, ignoring health (Envoy's panic mode). */
    ALL_HOSTS,
    /** Answer 503 without trying any host. */
    REFUSE
  }

  /**
   * The adaptive concurrency limit of an upstream (Netflix concurrency-limits).
   *
   * @param algorithm {@code gradient2}, {@code vegas}, {@code fixed} or {@code none}
   * @param initialLimit the limit at start (the limit itself for {@code fixed})
   * @param minLimit the lowest it may go
   * @param maxLimit the highest it may go
   */
  public record Adaptive(String algorithm, int initialLimit, int minLimit, int maxLimit) {
    /** No limit. */
    public static final Adaptive NONE = new Adaptive("none", 0, 0, 0);
  }

  /**
   * Priority tiers, lowest first: a request of tier {@code t} enters an upstream only while its
   * in-flight requests are below {@code t.maxShare} of the upstream's concurrency limit.
   *
   * @param levels the tiers, lowest first
   * @param header request header naming the tier, or null
   * @param byRule tier of the requests a rule governs, by rule id
   * @param fallback tier of requests nothing assigns
   */
  public record Tiers(List<Tier> levels, String header, Map<String, String> byRule,
      String fallback) {
    public Tiers {
      levels = List.copyOf(levels);
      byRule = Map.copyOf(byRule);
    }

    /** The index of the tier called {@code name}, or -1. */
    public int indexOf(String name) {
      for (int i = 0; i < levels.size(); i++) {
        if (levels.get(i).name().equals(name)) {
          return i;
        }
      }
      return -1;
    }
  }

  /** One tier: its name and the share of the concurrency limit it may fill, in (0, 1]. */
  public record Tier(String name, double maxShare) {}

  /** Reads and validates a YAML file; relative paths in it resolve against its folder. */
  public static GatewayConfig load(Path file) {
    return FrontendSections.load(file, GatewayConfig::parse);
  }

  /**
   * As {@link #load(Path)} with the given environment.
   *
   * @throws ConfigException naming every wrong key and why
   */
  public static GatewayConfig load(Path file, Function<String, String> env) {
    return FrontendSections.load(file, env, GatewayConfig::parse);
  }

  /**
   * Validates a parsed document.
   *
   * @throws ConfigException naming every wrong key and why
   */
  public static GatewayConfig parse(JsonNode root, Path baseDir, Function<String, String> env) {
    List<String> problems = new ArrayList<>();
    ConfigNode top = FrontendSections.top(root, problems, env);
    ConfigNode gw = top.section("gateway");
    FrontendSections.Listener listener = FrontendSections.listener(gw, 8000, baseDir);
    ConfigNode admin = gw.section("admin");
    String adminHost = admin.string("host", "127.0.0.1");
    int adminPort = admin.integer("port", 9901, -1, 65535);
    TlsSettings adminTls = FrontendSections.tls(admin, baseDir);
    admin.finish();
    Duration reload = durationOrZero(gw, "reload-interval", Duration.ofSeconds(1));
    int maxHeaderBytes = gw.integer("max-header-bytes", 16384, 1024, 1 << 20);
    int maxHeaders = gw.integer("max-headers", 100, 8, 10_000);
    int maxLine = gw.integer("max-initial-line", 8192, 256, 1 << 20);
    Duration idle = gw.duration("idle-timeout", Duration.ofSeconds(120), Duration.ofSeconds(1));
    int maxConn = gw.integer("max-connections-per-host", 64, 1, 100_000);
    Tiers tiers = readTiers(gw.section("tiers"));

    Map<String, Upstream> upstreams = new LinkedHashMap<>();
    ConfigNode ups = gw.section("upstreams");
    for (String name : ups.names()) {
      Upstream u = readUpstream(name, ups.section(name), baseDir);
      if (u != null) {
        upstreams.put(name, u);
      }
    }
    if (upstreams.isEmpty()) {
      gw.problem("upstreams", "must name at least one upstream");
    }

    List<Route> routes = new ArrayList<>();
    List<ConfigNode> routeNodes = gw.sections("routes");
    if (routeNodes.isEmpty()) {
      gw.problem("routes", "must hold at least one route");
    }
    for (int i = 0; i < routeNodes.size(); i++) {
      ConfigNode r = routeNodes.get(i);
      ConfigNode m = r.section("match");
      String path = m.string("path", "/**");
      if (!path.startsWith("/")) {
        m.problem("path", "'" + path + "' must start with /");
      }
      List<String> methods = new ArrayList<>();
      for (String s : m.strings("method")) {
        methods.add(s.toUpperCase(Locale.ROOT));
      }
      m.finish();
      String upstream = r.string("upstream", null);
      if (upstream == null) {
        r.problem("upstream", "is required");
      } else if (!ups.has(upstream)) {
        r.problem("upstream", "'" + upstream + "' is not in gateway.upstreams; known: "
            + List.copyOf(upstreams.keySet()));
      }
      Duration timeout = r.duration("timeout", Duration.ofSeconds(30), Duration.ofMillis(1));
      String tier = r.string("tier", null);
      if (tier != null && tiers.indexOf(tier) < 0) {
        r.problem("tier", "'" + tier + "' is not a tier; known: " + tierNames(tiers));
      }
      r.finish();
      routes.add(new Route(i, PathGlob.of(path), methods, upstream, timeout, tier));
    }
    gw.finish();

    PipelineConfig pipeline = PipelineConfig.read(top, baseDir);
    top.finish();
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new GatewayConfig(listener.host(), listener.port(), adminHost, adminPort, reload,
        maxHeaderBytes, maxHeaders, maxLine, idle, listener.drainTimeout(), maxConn, tiers,
        routes, upstreams, pipeline, listener.tls(), adminTls);
  }

  /** This configuration listening on other ports (tests and the CLI's --port). */
  public GatewayConfig withPorts(int newPort, int newAdminPort) {
    return new GatewayConfig(host, newPort, adminHost, newAdminPort, reloadInterval,
        maxHeaderBytes, maxHeaders, maxInitialLineBytes, idleTimeout, drainTimeout,
        maxConnectionsPerHost, tiers, routes, upstreams, pipeline, tls, adminTls);
  }

  private static List<String> tierNames(Tiers t) {
    return t.levels().stream().map(Tier::name).toList();
  }

  private static Tiers readTiers(ConfigNode n) {
    List<Tier> levels = new ArrayList<>();
    List<ConfigNode> nodes = n.sections("levels");
    Set<String> seen = new LinkedHashSet<>();
    double previous = 0;
    for (int i = 0; i < nodes.size(); i++) {
      ConfigNode t = nodes.get(i);
      String name = t.string("name", null);
      double defShare = nodes.size() == 1 ? 1.0 : 0.5 + 0.5 * i / (nodes.size() - 1);
      double share = number(t, "max-share", defShare, 0.01, 1.0);
      t.finish();
      if (name == null || name.isBlank()) {
        t.problem("name", "is required");
        continue;
      }
      if (!seen.add(name)) {
        t.problem("name", "'" + name + "' names two tiers");
      }
      if (share < previous) {
        t.problem("max-share", share + " is below the share of the tier before it (" + previous
            + "): tiers go from lowest to highest priority");
      }
      previous = share;
      levels.add(new Tier(name, share));
    }
    if (levels.isEmpty()) {
      levels.add(new Tier("default", 1.0));
    }
    Tiers partial = new Tiers(levels, null, Map.of(), levels.get(0).name());
    String header = n.string("header", null);
    String fallback = n.string("default", levels.get(0).name());
    if (partial.indexOf(fallback) < 0) {
      n.problem("default", "'" + fallback + "' is not a tier; known: " + tierNames(partial));
      fallback = levels.get(0).name();
    }
    Map<String, String> byRule = new LinkedHashMap<>();
    ConfigNode rules = n.section("rules");
    for (String rule : rules.names()) {
      String tier = rules.string(rule, null);
      if (partial.indexOf(tier) < 0) {
        rules.problem(rule, "'" + tier + "' is not a tier; known: " + tierNames(partial));
      } else {
        byRule.put(rule, tier);
      }
    }
    n.finish();
    return new Tiers(levels, header, byRule, fallback);
  }

  private static Upstream readUpstream(String name, ConfigNode u, Path baseDir) {
    BalancerKind lb = null;
    String lbName = u.string("lb", "round-robin");
    try {
      lb = BalancerKind.of(lbName);
    } catch (IllegalArgumentException e) {
      u.problem("lb", e.getMessage());
    }
    HashOn hashOn = HashOn.CLIENT_IP;
    ConfigNode h = u.section("hash-on");
    String header = h.string("header", null);
    String cookie = h.string("cookie", null);
    boolean ip = h.bool("client-ip", false);
    int set = (header != null ? 1 : 0) + (cookie != null ? 1 : 0) + (ip ? 1 : 0);
    if (set > 1) {
      u.problem("hash-on", "set one of header, cookie and client-ip, not " + set);
    } else if (header != null || cookie != null) {
      hashOn = new HashOn(header, cookie, false);
    }
    h.finish();

    List<HostSpec> hosts = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (ConfigNode hn : u.sections("hosts")) {
      String url = hn.string("url", null);
      int weight = hn.integer("weight", 1, 1, 1000);
      hn.finish();
      if (url == null) {
        hn.problem("url", "is required (http://host:port)");
        continue;
      }
      URI uri = parseUrl(hn, url);
      if (uri != null) {
        HostSpec spec = new HostSpec(uri, weight);
        if (!seen.add(spec.authority())) {
          hn.problem("url", "'" + url + "' is listed twice in this upstream");
        }
        hosts.add(spec);
      }
    }
    if (hosts.isEmpty()) {
      u.problem("hosts", "must list at least one host ({url: \"http://127.0.0.1:9001\"})");
    }

    HealthCheck hc = null;
    if (u.has("health-check")) {
      ConfigNode c = u.section("health-check");
      String path = c.string("path", "/healthz");
      if (!path.startsWith("/")) {
        c.problem("path", "'" + path + "' must start with /");
      }
      Duration interval = c.duration("interval", Duration.ofSeconds(5), Duration.ofMillis(10));
      Duration timeout = c.duration("timeout", Duration.ofSeconds(1), Duration.ofMillis(1));
      int healthy = c.integer("healthy", 2, 1, 100);
      int unhealthy = c.integer("unhealthy", 3, 1, 100);
      if (timeout.compareTo(interval) > 0) {
        c.problem("timeout", "must not exceed interval (" + interval.toMillis() + "ms)");
      }
      c.finish();
      hc = new HealthCheck(path, interval, timeout, healthy, unhealthy);
    } else {
      u.section("health-check");
    }

    ConfigNode o = u.section("outlier");
    Outlier outlier = new Outlier(o.integer("consecutive-failures", 5, 0, 1000),
        o.duration("base-ejection-time", Duration.ofSeconds(10), Duration.ofMillis(1)),
        o.duration("max-ejection-time", Duration.ofSeconds(300), Duration.ofMillis(1)),
        number(o, "max-ejected-share", 0.5, 0.0, 1.0));
    o.finish();

    ConfigNode r = u.section("retry");
    Retry retry = new Retry(r.integer("attempts", 2, 0, 10), number(r, "budget", 0.2, 0, 10),
        r.integer("min-retries", 10, 0, 1_000_000));
    r.finish();

    Duration connect = u.duration("connect-timeout", Duration.ofSeconds(1), Duration.ofMillis(1));
    Duration slowStart = durationOrZero(u, "slow-start", Duration.ZERO);
    String panicName = u.choice("panic", "all-hosts", List.of("all-hosts", "refuse"));
    Panic panic = "refuse".equals(panicName) ? Panic.REFUSE : Panic.ALL_HOSTS;

    Adaptive adaptive = Adaptive.NONE;
    ConfigNode a = u.section("adaptive");
    String algorithm = a.choice("algorithm", u.has("adaptive") ? "gradient2" : "none",
        List.of("gradient2", "vegas", "fixed", "none"));
    int initial = a.integer("initial-limit", 20, 1, 100_000);
    int min = a.integer("min-limit", 1, 1, 100_000);
    int max = a.integer("max-limit", 1000, 1, 100_000);
    if (min > max) {
      a.problem("min-limit", min + " exceeds max-limit " + max);
    }
    a.finish();
    if (!"none".equals(algorithm)) {
      adaptive = new Adaptive(algorithm, initial, min, max);
    }
    boolean anySecure = hosts.stream().anyMatch(HostSpec::secure);
    TlsSettings tls = null;
    boolean tlsBad = false;
    if (u.has("tls")) {
      if (!anySecure) {
        u.problem("tls", "applies to https:// hosts; this upstream has none");
      }
      tls = TlsSettings.read(u.section("tls"), baseDir, TlsSettings.Role.CLIENT);
      tlsBad = tls == null;
    }
    boolean http2 = u.bool("http2", false);
    if (http2 && !anySecure) {
      u.problem("http2", "is negotiated by ALPN over TLS: list https:// hosts");
    }
    u.finish();
    if (lb == null || hosts.isEmpty() || tlsBad) {
      return null;
    }
    return new Upstream(name, lb, hashOn, hosts, hc, outlier, retry, connect, slowStart,
        panic, adaptive, tls, http2);
  }

  private static URI parseUrl(ConfigNode hn, String url) {
    try {
      URI uri = new URI(url);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        hn.problem("url", "'" + url + "' must be an http:// or https:// URL");
        return null;
      }
      if (uri.getHost() == null) {
        hn.problem("url", "'" + url + "' has no host");
        return null;
      }
      if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()
          && !uri.getRawPath().equals("/")) {
        hn.problem("url", "'" + url + "' must not have a path: requests keep theirs");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      hn.problem("url", "'" + url + "' is not a URL: " + e.getReason());
      return null;
    }
  }

  /** A duration where {@code 0} / {@code 0s} means "off". */
  private static Duration durationOrZero(ConfigNode n, String key, Duration def) {
    String s = n.has(key) ? n.string(key, null) : null;
    if (s != null && s.trim().matches("0+(ms|s|m|h)?")) {
      return Duration.ZERO;
    }
    return n.duration(key, def, Duration.ofMillis(1));
  }

  private static double number(ConfigNode n, String key, double def, double min, double max) {
    String s = n.string(key, null);
    if (s == null) {
      return def;
    }
    try {
      double v = Double.parseDouble(s.trim());
      if (!(v >= min && v <= max)) {
        n.problem(key, s + " must be in [" + min + ", " + max + "]");
        return def;
      }
      return v;
    } catch (NumberFormatException e) {
      n.problem(key, "'" + s + "' is not a number");
      return def;
    }
  }
}
