package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.Poll;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.TestHttp.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/grafana/sluice.json} against a real Prometheus ({@code /usr/bin/prometheus} on a
 * free port, with the shipped rules of {@code deploy/prometheus}) scraping two real Sluice
 * servers under load: one on the Redis engine over three real standalone shards (one of them
 * paused for a while, so breakers open and calls time out), one on the synced engine. Every
 * panel's query, every variable's and the annotation's, with the dashboard variables
 * substituted, goes through Prometheus's HTTP API and must be accepted and return data.
 */
class GrafanaDashboardTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  /** How the test fills the dashboard's variables ("All" for the multi-value ones). */
  private static final Map<String, String> VARIABLES = new LinkedHashMap<>();

  static {
    VARIABLES.put("$__rate_interval", "1m");
    VARIABLES.put("$__interval", "15s");
    VARIABLES.put("$__range", "5m");
    VARIABLES.put("$job", "sluice");
    VARIABLES.put("$instance", ".+");
    VARIABLES.put("$rule", ".*");
    VARIABLES.put("$shard", ".+");
  }

  @TempDir
  static Path tmp;
  private static final List<RedisProcess> shards = new ArrayList<>();
  private static TestServer redisServer;
  private static TestServer syncedServer;
  private static Process prometheus;
  private static String prom;
  private static Path promLog;
  private static final Map<String, Integer> statuses = new LinkedHashMap<>();

  @BeforeAll
  static void startAndLoad() throws Exception {
    Path binary = ExternalTools.require("prometheus", "prometheus", "GrafanaDashboardTest");
    for (int i = 0; i < 3; i++) {
      shards.add(RedisServers.standalone());
    }
    String rules = """
        rules:
          - id: api
            limits: [{window: 1m, max: 1000000}]
          - id: tight
            limits: [{window: 1h, max: 5}]
          - id: preview
            shadow: true
            limits: [{window: 1h, max: 2}]
        """;
    Path a = Files.createDirectories(tmp.resolve("redis"));
    // The Envoy RLS beside it, over TLS: its certificate's expiry is on the same /metrics.
    dev.sluice.testkit.TestCa.Issued rlsPair = dev.sluice.testkit.TestCa.create("dash-root")
        .server();
    rlsPair.writeChain(a.resolve("rls.crt"));
    rlsPair.writeKeyPkcs8(a.resolve("rls.key"));
    Files.createDirectories(a.resolve("erl"));
    redisServer = TestServer.start(a, """
        engine:
          type: redis
          topology: sharded
          nodes: [%s, %s, %s]
          command-timeout: 100ms
          failure-policy: local
        rules: {reload-interval: 50ms}
        stats: {period: 30s, slices: 3, top-k-labels: 5}
        rls: {port: 0, config-dir: erl, tls: {cert: rls.crt, key: rls.key}}
        """.formatted(shards.get(0).uri(), shards.get(1).uri(), shards.get(2).uri()), rules);
    Path b = Files.createDirectories(tmp.resolve("synced"));
    syncedServer = TestServer.start(b, """
        engine:
          type: synced
          uri: %s
          key-prefix: synced
          sync-interval: 200ms
        rules: {reload-interval: 50ms}
        """.formatted(shards.get(0).uri()), rules);
    startPrometheus(binary);
    // Prometheus hands new targets to its scrapers every 5 s: load only once both are scraped,
    // so the counters' increases during the load are in the data.
    Poll.until("Prometheus scrapes both servers", Duration.ofSeconds(60),
        () -> count("count_over_time(up{job=\"sluice\"}[1m]) >= 2") == 2);
    load();
    // The load is over; let Prometheus scrape the last of it and evaluate the rules again.
    Poll.until("Prometheus scraped both servers and recorded the SLO ratios",
        Duration.ofSeconds(60), () -> count("up{job=\"sluice\"} == 1") == 2
            && count("sluice:slo_errors:ratio_rate5m{job=\"sluice\"}") == 2
            && count("sluice_redis_errors_total{type=\"timeout\"} > 0") > 0
            && count("sluice_sync_lag_seconds") > 0);
  }

  private static void startPrometheus(Path binary) throws IOException {
    Path deploy = ExternalTools.deploy().resolve("prometheus");
    StringBuilder files = new StringBuilder();
    for (String f : PrometheusRulesTest.RULE_FILES) {
      files.append("  - ").append(deploy.resolve(f).toAbsolutePath()).append('\n');
    }
    Path config = tmp.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
        %s
        scrape_configs:
          - job_name: sluice
            static_configs:
              - targets: ['127.0.0.1:%d', '127.0.0.1:%d']
        """.formatted(files.toString().stripTrailing(), redisServer.server.port(),
        syncedServer.server.port()));
    int port = RedisServers.freePort();
    prom = "http://127.0.0.1:" + port;
    promLog = tmp.resolve("prometheus.log");
    prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + Files.createDirectories(tmp.resolve("tsdb")),
        "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(promLog.toFile()).start();
    Poll.until("Prometheus is ready (log: " + promLog + ")", Duration.ofSeconds(60), () -> {
      if (!prometheus.isAlive()) {
        throw new AssertionError("prometheus exited: " + read(promLog));
      }
      try {
        return get(prom + "/-/ready").statusCode() == 200;
      } catch (UncheckedIOException notYet) {
        return false;
      }
    });
  }

  /**
   * Checks from three threads for about 12 s: many clients of {@code api} on both servers (keys
   * on every shard), one client over the limit of {@code tight}, one over the shadow rule
   * {@code preview}; shard 1 is paused (SIGSTOP) for 2 s in the middle.
   */
  private static void load() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<?>> work = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      final int thread = t;
      work.add(pool.submit(() -> {
        int n = 0;
        while (!stop.get()) {
          n++;
          String client = "user-" + thread + "-" + (n % 300);
          record(redisServer.check(check(client, "api")));
          if (n % 5 == 0) {
            record(syncedServer.check(check(client, "api")));
          }
          if (n % 10 == 0) {
            record(redisServer.check(check("abuser", "tight")));
            record(redisServer.check(check("previewer", "preview")));
          }
        }
        return null;
      }));
    }
    try {
      Thread.sleep(4_000);
      shards.get(1).pause();
      Thread.sleep(2_000);
      shards.get(1).resume();
      Thread.sleep(6_000);
    } finally {
      shards.get(1).resume();
      stop.set(true);
      for (Future<?> f : work) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdownNow();
    }
  }

  private static String check(String client, String rule) {
    return "{\"client_id\":\"" + client + "\",\"rule_id\":\"" + rule + "\"}";
  }

  private static void record(Answer r) {
    assertThat(r.status()).as(r.text()).isIn(200, 429);
    synchronized (statuses) {
      statuses.merge(r.status() == 200 ? "allowed" : "denied", 1, Integer::sum);
    }
  }

  @AfterAll
  static void stopAll() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    for (TestServer s : new TestServer[] {redisServer, syncedServer}) {
      if (s != null) {
        s.close();
      }
    }
    shards.forEach(RedisProcess::close);
    shards.clear();
  }

  // ---- the dashboard ------------------------------------------------------------------------

  private static JsonNode dashboard() throws IOException {
    return JSON.readTree(ExternalTools.deploy().resolve("grafana").resolve("sluice.json")
        .toFile());
  }

  /** Every panel, rows' nested panels included. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      all.add(p);
      p.path("panels").forEach(all::add);
    }
    return all;
  }

  /** A query with the dashboard's variables filled in. */
  static String substitute(String expr) {
    String q = expr;
    for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
      q = q.replace(v.getKey(), v.getValue());
    }
    Matcher left = Pattern.compile("\\$\\{?\\w+").matcher(q);
    assertThat(left.find()).as("an unknown variable in " + expr).isFalse();
    return q;
  }

  /** A {@code label_values(selector, label)} variable query as PromQL. */
  static String variableQuery(String query) {
    Matcher m = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)").matcher(query);
    assertThat(m.matches()).as("a label_values(...) query: " + query).isTrue();
    return "count by (" + m.group(2) + ") (" + m.group(1) + ")";
  }

  @Test
  void dashboard_hasEveryPanelTheIssueAsksFor() throws IOException {
    Set<String> titles = new TreeSet<>();
    for (JsonNode p : panels(dashboard())) {
      titles.add(p.path("title").asText());
    }
    assertThat(titles).contains("Burn rate: availability", "Burn rate: latency",
        "Error budget left (30 days)", "Breaker per shard", "Redis errors by type",
        "Script-call latency: $shard", "Decisions per rule", "Top offenders: denied most",
        "Top consumers: checks", "Unique clients per rule", "Sync lag (synced engine)",
        "TLS certificate expiry (days)");
    JsonNode heatmap = panels(dashboard()).stream()
        .filter(p -> p.path("type").asText().equals("heatmap")).findFirst().orElseThrow();
    assertThat(heatmap.path("repeat").asText()).as("one heatmap per shard").isEqualTo("shard");
  }

  @Test
  void everyPanelQuery_returnsDataFromARealPrometheus() throws IOException {
    List<String> empty = new ArrayList<>();
    int queries = 0;
    for (JsonNode p : panels(dashboard())) {
      for (JsonNode t : p.path("targets")) {
        String expr = substitute(t.path("expr").asText());
        queries++;
        if (query(expr).isEmpty()) {
          empty.add(p.path("title").asText() + " [" + t.path("refId").asText() + "]: " + expr);
        }
      }
    }
    assertThat(queries).isGreaterThanOrEqualTo(25);
    assertThat(empty).as("panel queries without data").isEmpty();
  }

  @Test
  void everyVariableQuery_returnsValues_andTheShardsAreTheRedisServers() throws IOException {
    Map<String, Set<String>> values = new LinkedHashMap<>();
    for (JsonNode v : dashboard().path("templating").path("list")) {
      if (!v.path("type").asText().equals("query")) {
        continue;
      }
      String label = variableQuery(v.path("query").path("query").asText()).replaceAll(
          "count by \\((\\w+)\\).*", "$1");
      Set<String> got = new TreeSet<>();
      for (JsonNode r : query(substitute(variableQuery(v.path("query").path("query").asText())))) {
        got.add(r.path("metric").path(label).asText());
      }
      values.put(v.path("name").asText(), got);
    }
    assertThat(values.get("job")).containsExactly("sluice");
    assertThat(values.get("instance")).hasSize(2);
    assertThat(values.get("rule")).contains("api", "tight", "preview");
    assertThat(values.get("shard")).containsExactlyInAnyOrder(shards.get(0).hostPort(),
        shards.get(1).hostPort(), shards.get(2).hostPort());
  }

  @Test
  void theAnnotationQueryIsAccepted() throws IOException {
    for (JsonNode a : dashboard().path("annotations").path("list")) {
      if (a.has("expr")) {
        query(substitute(a.path("expr").asText())); // no alert need fire: accepted is enough
      }
    }
  }

  @Test
  void panelsShowWhatHappened_deniedClient_pausedShard_timeouts() throws IOException {
    assertThat(statuses.getOrDefault("denied", 0)).isPositive();
    assertThat(labels(substitute("topk(10, max by (rule, client) "
        + "(sluice_rule_top_client_denied{job=\"$job\",rule=~\"$rule\"}))"), "client"))
        .contains("abuser");
    assertThat(labels("sum by (outcome) (increase(sluice_decisions_total[5m])) > 0", "outcome"))
        .contains("allowed", "denied", "shadow_denied", "degraded");
    assertThat(labels("increase(sluice_redis_breaker_transitions_total{state=\"open\"}[5m]) > 0",
        "shard")).as("the paused shard's breaker opened").containsExactly(shards.get(1).hostPort());
    assertThat(labels("sum by (shard) (increase(sluice_redis_errors_total{type=\"timeout\"}[5m]))"
        + " > 0", "shard")).containsExactly(shards.get(1).hostPort());
    assertThat(query("sluice:slo_errors:ratio_rate5m{slo=\"availability\"} > 0"))
        .as("degraded checks spent availability budget").hasSize(1);
  }

  @Test
  void aQueryPrometheusRejects_failsTheCheck() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
        () -> query("sum by (rule (sluice_decisions_total)")))
        .isInstanceOf(AssertionError.class).hasMessageContaining("rejected");
  }

  // ---- Prometheus's HTTP API ----------------------------------------------------------------

  private static Set<String> labels(String promql, String label) throws IOException {
    Set<String> got = new TreeSet<>();
    for (JsonNode r : query(promql)) {
      got.add(r.path("metric").path(label).asText());
    }
    return got;
  }

  private static int count(String promql) {
    try {
      return query(promql).size();
    } catch (IOException | AssertionError e) {
      return 0;
    }
  }

  /** An instant query's result series; fails when Prometheus rejects the query. */
  static JsonNode query(String promql) throws IOException {
    HttpResponse<String> r = get(prom + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
      throw new AssertionError("Prometheus rejected " + promql + ": " + r.body());
    }
    return body.path("data").path("result");
  }

  private static HttpResponse<String> get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
