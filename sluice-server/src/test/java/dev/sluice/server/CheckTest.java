package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.TestHttp.Answer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks over real HTTP: by id and by request attributes, matching, headers and 429s, shadow
 * mode, hierarchical limits, batch, bad input. Every limit here has a window of an hour or more,
 * so nothing depends on how fast the test runs.
 */
class CheckTest {
  @TempDir
  static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, """
        rules:
          - id: login
            priority: 10
            match: {path: "/api/auth/**", method: [POST]}
            limits: [{window: 1h, max: 2}]
          - id: api
            match: {path: "/api/**"}
            limits: [{window: 1h, max: 3}, {window: 1d, max: 100}]
          - id: free_tier
            priority: 20
            match: {path: "/api/*", headers: {x-plan: free}}
            limits: [{window: 1h, max: 1}]
          - id: by_id
            match: {path: "/never-matched-by-path"}
            limits: [{window: 1h, max: 2, algorithm: token-bucket, burst: 2}]
          - id: shadowed
            shadow: true
            match: {path: "/export/**"}
            limits: [{window: 1h, max: 1}]
          - id: blocked
            match: {path: "/blocked"}
            limits: [{window: 1h, max: 0}]
          - id: tiers
            match: {path: "/tiers/**"}
            limits:
              - {window: 1h, max: 3, scope: user}
              - {window: 1h, max: 4, scope: org}
              - {window: 1h, max: 100, scope: global}
        """);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void checkById_allowsThenDenies_with429AndHeaders() {
    String body = "{\"client_id\":\"user123\",\"rule_id\":\"by_id\"}";
    Answer a = s.check(body);
    assertThat(a.status()).isEqualTo(200);
    JsonNode j = a.json();
    assertThat(j.get("allowed").asBoolean()).isTrue();
    assertThat(j.get("remaining").asLong()).isEqualTo(1);
    assertThat(j.get("limit").asLong()).isEqualTo(2);
    assertThat(j.get("reset_at").asLong()).isGreaterThan(1_700_000_000L);
    assertThat(a.header("X-RateLimit-Limit")).isEqualTo("2");
    assertThat(a.header("X-RateLimit-Remaining")).isEqualTo("1");
    assertThat(Long.parseLong(a.header("X-RateLimit-Reset"))).isEqualTo(j.get("reset_at")
        .asLong());
    assertThat(a.header("RateLimit-Policy")).isEqualTo("\"by_id.0\";q=2;w=3600");
    assertThat(a.header("RateLimit")).startsWith("\"by_id.0\";r=1;t=");
    assertThat(a.header("Retry-After")).isNull();

    assertThat(s.check(body).status()).isEqualTo(200);
    Answer denied = s.check(body);
    assertThat(denied.status()).isEqualTo(429);
    assertThat(denied.json().get("allowed").asBoolean()).isFalse();
    assertThat(denied.json().get("remaining").asLong()).isZero();
    long retry = Long.parseLong(denied.header("Retry-After"));
    assertThat(retry).isBetween(1L, 1800L);
    assertThat(denied.json().get("retry_after").asLong()).isEqualTo(retry);
    assertThat(denied.header("X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(denied.header("RateLimit")).startsWith("\"by_id.0\";r=0;t=");
    // Another client has its own budget.
    assertThat(s.check("{\"client_id\":\"user456\",\"rule_id\":\"by_id\"}").status())
        .isEqualTo(200);
    // Cost counts.
    assertThat(s.check("{\"client_id\":\"user789\",\"rule_id\":\"by_id\",\"cost\":3}")
        .status()).isEqualTo(429);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      POST login: the login rule                   | POST | /api/auth/login   |      | login
      GET login: the login rule is for POST only   | GET  | /api/auth/login   |      | api
      a header condition and a higher priority win | GET  | /api/items?page=2 | free | free_tier
      a star stays within one segment              | GET  | /api/items/7      | free | api
      """)
  void checkByAttributes_matchesByPathMethodHeadersAndPriority(String why, String method,
      String path, String plan, String rule) {
    String headers = plan == null ? "" : "\"headers\":{\"X-Plan\":\"" + plan + "\"},";
    Answer r = s.check("{\"method\":\"" + method + "\",\"path\":\"" + path + "\"," + headers
        + "\"client_ip\":\"198.51.100.1\"}");
    assertThat(r.json().get("rule_id").asText()).as(why).isEqualTo(rule);
  }

  @Test
  void checkByAttributes_noRuleMatching_isAllowedAndSaysSo() {
    Answer none = s.check("{\"method\":\"GET\",\"path\":\"/health/other\"}");
    assertThat(none.status()).isEqualTo(200);
    assertThat(none.json().get("allowed").asBoolean()).isTrue();
    assertThat(none.json().get("limited").asBoolean()).isFalse();
    assertThat(none.json().get("rule_id").isNull()).isTrue();
    assertThat(none.header("X-RateLimit-Limit")).isNull();
  }

  @Test
  void ruleWithSeveralLimits_reportsTheTightest_andDeniesWhenAnyIsExhausted() {
    String body = "{\"method\":\"GET\",\"path\":\"/api/x\",\"client_ip\":\"203.0.113.50\"}";
    Answer a = s.check(body);
    assertThat(a.header("X-RateLimit-Limit")).isEqualTo("3");
    assertThat(a.header("RateLimit-Policy"))
        .isEqualTo("\"api.0\";q=3;w=3600, \"api.1\";q=100;w=86400");
    s.check(body);
    s.check(body);
    Answer d = s.check(body);
    assertThat(d.status()).isEqualTo(429);
    assertThat(d.json().get("limit_index").asInt()).isZero();
  }

  @Test
  void blockRule_deniesWithoutRetryAfter() {
    Answer d = s.check("{\"method\":\"GET\",\"path\":\"/blocked\"}");
    assertThat(d.status()).isEqualTo(429);
    assertThat(d.header("Retry-After")).isNull();
    assertThat(d.json().get("retry_after").isNull()).isTrue();
  }

  @Test
  void shadowRule_neverDenies_butCountsWouldDeny() {
    double before = s.metric("sluice_decisions_total", "rule=\"shadowed\"",
        "outcome=\"shadow_denied\"");
    String body = "{\"method\":\"GET\",\"path\":\"/export/all\",\"client_ip\":\"192.0.2.9\"}";
    assertThat(s.check(body).status()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      Answer r = s.check(body);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().get("allowed").asBoolean()).isTrue();
      assertThat(r.json().get("shadow_denied").asBoolean()).isTrue();
      assertThat(r.header("Retry-After")).isNull();
    }
    assertThat(s.metric("sluice_decisions_total", "rule=\"shadowed\"",
        "outcome=\"shadow_denied\"")).isEqualTo(before + 3);
  }

  @Test
  void hierarchicalLimits_areDecidedAtomically() {
    // org acme has 4 per hour over all its users, each user 3.
    String alice = "{\"method\":\"GET\",\"path\":\"/tiers/a\",\"user_id\":\"alice\","
        + "\"org_id\":\"acme\"}";
    String bob = "{\"method\":\"GET\",\"path\":\"/tiers/a\",\"user_id\":\"bob\","
        + "\"org_id\":\"acme\"}";
    String carol = "{\"method\":\"GET\",\"path\":\"/tiers/a\",\"user_id\":\"carol\","
        + "\"org_id\":\"other\"}";
    for (int i = 0; i < 3; i++) {
      assertThat(s.check(alice).status()).isEqualTo(200);
    }
    Answer aliceOut = s.check(alice);
    assertThat(aliceOut.status()).isEqualTo(429);
    assertThat(aliceOut.json().get("limit_index").asInt()).isZero(); // the user limit
    Answer bob1 = s.check(bob);
    assertThat(bob1.status()).isEqualTo(200);
    assertThat(bob1.json().get("remaining").asLong()).isZero(); // org: 4th of 4
    Answer bob2 = s.check(bob);
    assertThat(bob2.status()).isEqualTo(429);
    assertThat(bob2.json().get("limit_index").asInt()).isEqualTo(1); // the org limit
    // Bob's denial consumed nothing: his user limit still has 2 left, which shows once the
    // org limit is not the tightest; another org is untouched.
    Answer c = s.check(carol);
    assertThat(c.status()).isEqualTo(200);
    // Global: 100 minus the 3 (alice) + 1 (bob) + 1 (carol) admitted; denials took nothing.
    Answer batch = s.post("/rate-limit/check/batch", "{\"checks\":[" + carol + ","
        + carol + "]}");
    JsonNode results = batch.json().get("results");
    assertThat(results.get(0).get("allowed").asBoolean()).isTrue();
    assertThat(results.get(1).get("allowed").asBoolean()).isTrue();
    assertThat(results.get(1).get("remaining").asLong()).isEqualTo(0); // carol: 3rd of 3
  }

  @Test
  void batch_answersInOrder_withPerItemErrors() {
    Answer r = s.post("/rate-limit/check/batch", """
        {"checks": [
          {"client_id": "b1", "rule_id": "login"},
          {"client_id": "b1", "rule_id": "login"},
          {"client_id": "b1", "rule_id": "login"},
          {"client_id": "b1", "rule_id": "no_such_rule"},
          {"client_id": "b1", "cost": -5},
          {"method": "GET", "path": "/unmatched"}
        ]}""");
    assertThat(r.status()).isEqualTo(200);
    JsonNode res = r.json().get("results");
    assertThat(res).hasSize(6);
    assertThat(res.get(0).get("remaining").asLong()).isEqualTo(1);
    assertThat(res.get(1).get("remaining").asLong()).isEqualTo(0);
    assertThat(res.get(2).get("allowed").asBoolean()).isFalse();
    assertThat(res.get(3).get("error").get("status").asInt()).isEqualTo(404);
    assertThat(res.get(4).get("error").get("errors").get(0).get("path").asText())
        .isEqualTo("$.checks[4].cost");
    assertThat(res.get(5).get("limited").asBoolean()).isFalse();
  }

  @Test
  void badInput_is400ProblemNamingTheField_never500() {
    String[][] cases = {
        {"{\"client_id\":\"u\",\"rule_id\":\"by_id\",\"cost\":0}", "$.cost"},
        {"{\"client_id\":\"u\",\"rule_id\":\"by_id\",\"cost\":\"1\"}", "$.cost"},
        {"{\"client_id\":\"u\",\"rule_id\":\"by_id\",\"cost\":99999999999999999999}", "$.cost"},
        {"{\"client_id\":5,\"rule_id\":\"by_id\"}", "$.client_id"},
        {"{\"client_id\":\"" + "k".repeat(300) + "\",\"rule_id\":\"by_id\"}", "$.client_id"},
        {"{\"client_id\":\"u\"}", "$.rule_id"},
        {"{\"path\":\"nope\"}", "$.path"},
        {"{\"path\":\"/a\",\"headers\":[1]}", "$.headers"},
        {"{\"nonsense\":true}", "$.nonsense"},
        {"{}", "$"},
        {"[]", "$"},
        {"{\"client_id\":", "$"},
        {"", "$"},
        {"{\"client_id\":\"u\",\"rule_id\":\"by_id\"} trailing", "$"},
    };
    for (String[] c : cases) {
      Answer r = s.check(c[0]);
      assertThat(r.status()).as(c[0]).isEqualTo(400);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.json().get("errors").get(0).get("path").asText()).as(c[0]).isEqualTo(c[1]);
      assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ");
    }
    Answer unknown = s.check("{\"client_id\":\"u\",\"rule_id\":\"ghost\"}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("detail").asText()).contains("ghost");
    Answer huge = s.check("{\"client_id\":\"" + "x".repeat(2 << 20) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
    Answer deep = s.check("[".repeat(5000));
    assertThat(deep.status()).isEqualTo(400);
    assertThat(s.get("/rate-limit/check").status()).isEqualTo(405);
  }

  @Test
  void healthReadinessAndMetrics() {
    assertThat(s.get("/healthz").status()).isEqualTo(200);
    Answer ready = s.get("/readyz");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("ready").asBoolean()).isTrue();
    s.check("{\"client_id\":\"m\",\"rule_id\":\"login\"}");
    String m = s.get("/metrics").text();
    assertThat(m).contains("sluice_decisions_total{").contains("outcome=\"allowed\"")
        .contains("sluice_check_duration_seconds_bucket{")
        .contains("sluice_backend_circuit_state{engine=\"in-memory\"} 0")
        .contains("sluice_rules_reloads_total{");
  }
}
