package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.TestHttp.Answer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /rate-limits/stats[/{rule}]} over real HTTP on a real server: the JSON, the admin
 * token, bad parameters, and the metrics (unique clients always, top clients only when enabled).
 */
class StatsApiTest {
  static final String TOKEN = "stats-admin-token-0123456789";
  static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};

  @TempDir
  static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, "admin: {token: " + TOKEN + "}\n"
        + "rules: {reload-interval: 50ms}\n"
        + "stats: {period: 30s, slices: 3, top-capacity: 64, top-k-labels: 2}\n", """
        rules:
          - id: tight
            limits: [{window: 1h, max: 2}]
          - id: dry
            shadow: true
            limits: [{window: 1h, max: 1}]
        """);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static void check(String rule, String client, int times) {
    for (int i = 0; i < times; i++) {
      s.check("{\"rule_id\":\"" + rule + "\",\"client_id\":\"" + client + "\"}");
    }
  }

  @Test
  void stats_needTheAdminToken() {
    Answer none = s.get("/rate-limits/stats");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(s.get("/rate-limits/stats/tight", "Authorization", "Bearer wrong-token-000000")
        .status()).isEqualTo(401);
  }

  @Test
  void ruleStats_showTopOffenders_uniqueClients_andRates() {
    check("tight", "heavy", 6); // 2 allowed, 4 denied
    check("tight", "light", 1);
    Answer keyed = s.check("{\"rule_id\":\"tight\",\"path\":\"/x\","
        + "\"headers\":{\"X-API-Key\":\"very-secret-key\"}}");
    assertThat(keyed.status()).as(keyed.text()).isEqualTo(200);
    Answer r = s.get("/rate-limits/stats/tight?top=5", AUTH);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("rule").asText()).isEqualTo("tight");
    assertThat(j.get("period").asText()).isEqualTo("30s");
    assertThat(j.get("slice").asText()).isEqualTo("10s");
    assertThat(j.get("requested_total").asLong()).isGreaterThanOrEqualTo(8);
    JsonNode denied = j.get("denied_most").get("clients");
    assertThat(denied.get(0).get("client").asText()).isEqualTo("heavy");
    assertThat(denied.get(0).get("estimate").asLong()).isGreaterThanOrEqualTo(4);
    assertThat(j.get("denied_most").get("max_error").asLong()).isZero();
    List<String> requested = new ArrayList<>();
    j.get("requested_most").get("clients").forEach(c -> requested.add(c.get("client").asText()));
    assertThat(requested).contains("heavy", "light")
        .anyMatch(c -> c.startsWith("key:sha256:"))
        .noneMatch(c -> c.contains("very-secret-key"));
    assertThat(j.get("unique_clients").get("estimate").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(j.get("series").get("allowed")).hasSize(60);
    assertThat(j.get("rates").get("window_s").asInt()).isEqualTo(10);
    // Within a few seconds the checks made above are in complete seconds: rates above zero.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      JsonNode later = s.get("/rate-limits/stats/tight", AUTH).json();
      assertThat(later.get("rates").get("denied").asDouble()).isPositive();
      long sum = 0;
      for (JsonNode v : later.get("series").get("denied")) {
        sum += v.asLong();
      }
      assertThat(sum).isGreaterThanOrEqualTo(4);
    });
  }

  @Test
  void allStats_listEveryRule_withShadowDenialsCounted() {
    check("dry", "dreamer", 3); // 1 allowed, 2 shadow-denied
    Answer r = s.get("/rate-limits/stats?top=1&period=10s", AUTH);
    assertThat(r.status()).as(r.text()).isEqualTo(200);
    JsonNode j = r.json();
    assertThat(j.get("period").asText()).isEqualTo("10s");
    assertThat(j.get("top").asInt()).isEqualTo(1);
    List<String> ids = new ArrayList<>();
    j.get("rules").forEach(x -> ids.add(x.get("rule").asText()));
    assertThat(ids).containsExactly("tight", "dry");
    JsonNode dry = j.get("rules").get(1);
    assertThat(dry.get("shadow").asBoolean()).isTrue();
    assertThat(dry.get("denied_most").get("clients").get(0).get("client").asText())
        .isEqualTo("dreamer");
    assertThat(dry.get("denied_total").asLong()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void badParameters_are400_namingTheParameter() {
    assertBad("/rate-limits/stats?top=abc", "top", "'abc' must be an integer in [0, 100]");
    assertBad("/rate-limits/stats?top=101", "top", "'101' must be an integer in [0, 100]");
    assertBad("/rate-limits/stats/tight?period=15s", "period",
        "period '15s' must be a multiple of 10s up to 30s");
    assertBad("/rate-limits/stats?period=1h", "period",
        "period '1h' must be a multiple of 10s up to 30s");
    assertBad("/rate-limits/stats?period=soon", "period", "'soon' is not a duration");
    assertBad("/rate-limits/stats?colour=blue", "colour", "unknown parameter");
    assertBad("/rate-limits/stats?top=1&top=2", "top", "given 2 times");
  }

  @Test
  void unknownRule_is404_andItsIdIsJsonText() {
    Answer r = s.get("/rate-limits/stats/%3Cscript%3Ealert(1)%3C%2Fscript%3E", AUTH);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().get("detail").asText()).contains("<script>alert(1)");
  }

  @Test
  void metrics_exportUniqueClients_andTheTopKClientsWhenEnabled() {
    check("tight", "metric-client", 3);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(s.metric("sluice_rule_unique_clients", "rule=\"tight\"")).isPositive();
      assertThat(s.metric("sluice_rule_top_client_checks", "rule=\"tight\"")).isPositive();
      assertThat(s.metric("sluice_rule_top_client_denied", "rule=\"tight\"")).isPositive();
    });
    String text = s.get("/metrics").text();
    long labelled = text.lines().filter(l -> l.startsWith("sluice_rule_top_client_checks{")
        && l.contains("rule=\"tight\"")).count();
    assertThat(labelled).as("top-k-labels: 2").isBetween(1L, 2L);
    assertThat(text).doesNotContain("very-secret-key");
  }

  @Test
  void console_isServedFromTheJar_withAStrictContentSecurityPolicy() {
    Answer redirect = s.get("/console");
    assertThat(redirect.status()).isEqualTo(302);
    Answer page = s.get("/console/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'")
        .doesNotContain("unsafe-inline");
    assertThat(page.text()).contains("<script src=\"console.js\"");
    Answer js = s.get("/console/console.js");
    assertThat(js.header("Content-Type")).startsWith("text/javascript");
    // The rule of the console: user text goes in with textContent, never as markup.
    assertThat(js.text()).doesNotContain("innerHTML").doesNotContain("outerHTML")
        .doesNotContain("insertAdjacentHTML").doesNotContain("document.write");
    assertThat(s.get("/console/../pom.xml").status()).isEqualTo(404);
    assertThat(s.get("/console/nope.js").status()).isEqualTo(404);
  }

  private static void assertBad(String path, String parameter, String detail) {
    Answer r = s.get(path, AUTH);
    assertThat(r.status()).as(path).isEqualTo(400);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    JsonNode e = r.json().get("errors").get(0);
    assertThat(e.get("parameter").asText()).as(path).isEqualTo(parameter);
    assertThat(e.get("detail").asText()).as(path).contains(detail);
  }
}
