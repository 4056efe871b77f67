package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.TestHttp.Answer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules API over real HTTP: CRUD, validation problems, versions, admin token, bounds. */
class RulesApiTest {
  static final String TOKEN = "s3cret-admin-token-0123456789";
  static final String[] AUTH = {"Authorization", "Bearer " + TOKEN};

  @TempDir
  static Path dir;
  static TestServer s;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir, "admin: {token: " + TOKEN + "}\nserver: {max-body-bytes: 4096}\n"
        + "rules: {max-rules: 5}\n", """
        rules:
          - id: api_default
            match: {path: "/api/**"}
            limits: [{window: 1s, max: 10}]
        """);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  static String[] auth(String... more) {
    List<String> l = new ArrayList<>(List.of(AUTH));
    l.addAll(List.of(more));
    return l.toArray(String[]::new);
  }

  @Test
  void rulesApi_needsTheAdminToken() {
    assertThat(s.get("/rate-limits/rules").status()).isEqualTo(401);
    Answer wrong = s.get("/rate-limits/rules", "Authorization", "Bearer nope");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(wrong.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(s.put("/rate-limits/rules", "{\"rules\":[]}").status()).isEqualTo(401);
  }

  @Test
  void put_replacesTheWholeSet_andGetReturnsItWithAnEtag() {
    Answer before = s.get("/rate-limits/rules", AUTH);
    assertThat(before.status()).isEqualTo(200);
    String body = """
        {"rules": [
          {"id": "crud_a", "match": {"path": "/a/*", "method": "get"},
           "limits": [{"window": "1m", "max": 5, "algorithm": "token-bucket", "burst": 7}]},
          {"id": "crud_b", "priority": 3, "shadow": true,
           "match": {"path": "/b/**", "headers": {"X-Tier": "free"}},
           "limits": [{"window": "1h", "max": 100, "scope": "org"},
                      {"window": "1500ms", "max": 2, "algorithm": "gcra"}]}]}
        """;
    Answer put = s.put("/rate-limits/rules", body, AUTH);
    assertThat(put.status()).as(put.text()).isEqualTo(200);
    String etag = put.header("ETag");
    assertThat(etag).isNotEqualTo(before.header("ETag")).startsWith("\"");

    Answer get = s.get("/rate-limits/rules", AUTH);
    assertThat(get.header("ETag")).isEqualTo(etag);
    JsonNode rules = get.json().get("rules");
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).get("match").get("method").get(0).asText()).isEqualTo("GET");
    assertThat(rules.get(0).get("limits").get(0).get("burst").asLong()).isEqualTo(7);
    assertThat(rules.get(1).get("shadow").asBoolean()).isTrue();
    assertThat(rules.get(1).get("match").get("headers").get("x-tier").asText())
        .isEqualTo("free");
    assertThat(rules.get(1).get("limits").get(1).get("window").asText()).isEqualTo("1500ms");

    Answer one = s.get("/rate-limits/rules/crud_b", AUTH);
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.json().get("priority").asInt()).isEqualTo(3);
    assertThat(s.get("/rate-limits/rules/none", AUTH).status()).isEqualTo(404);
    // The old rule is gone: the set was replaced, not merged.
    assertThat(s.get("/rate-limits/rules/api_default", AUTH).status()).isEqualTo(404);
  }

  @Test
  void put_withSeveralBadFields_is400ListingEveryOne_andChangesNothing() {
    Answer before = s.get("/rate-limits/rules", AUTH);
    String bad = """
        {"rules": [
          {"id": "ok_rule", "limits": [{"window": "1s", "max": 1}]},
          {"id": "bad id!", "match": {"path": "no-slash", "method": 7},
           "limits": [{"window": "10 parsecs", "max": -1},
                      {"window": "1s", "max": 5, "algorithm": "fixed-window", "burst": 9},
                      {"window": "1s", "max": 5, "algorithm": "quantum", "scope": "planet"}],
           "priority": "high", "colour": "red"},
          {"id": "ok_rule", "limits": []}]}
        """;
    Answer r = s.put("/rate-limits/rules", bad, AUTH);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    JsonNode p = r.json();
    assertThat(p.get("status").asInt()).isEqualTo(400);
    assertThat(p.get("type").asText()).isNotBlank();
    List<String> paths = new ArrayList<>();
    p.get("errors").forEach(e -> paths.add(e.get("path").asText()));
    assertThat(paths).contains(
        "$.rules[1].id", "$.rules[1].match.path", "$.rules[1].match.method",
        "$.rules[1].limits[0].window", "$.rules[1].limits[0].max",
        "$.rules[1].limits[2].algorithm", "$.rules[1].limits[2].scope",
        "$.rules[1].priority", "$.rules[1].colour", "$.rules[2].limits");
    p.get("errors").forEach(e -> assertThat(e.get("detail").asText()).isNotBlank());
    assertThat(p.get("errors").get(0).get("pointer").asText()).startsWith("/rules/");
    // burst on a fixed window is rejected by the core limit, reported on its field.
    Answer burst = s.put("/rate-limits/rules", """
        {"rules": [{"id": "x", "limits": [{"window": "1s", "max": 5,
          "algorithm": "fixed-window", "burst": 9}]}]}""", AUTH);
    assertThat(burst.json().get("errors").get(0).get("path").asText())
        .isEqualTo("$.rules[0].limits[0].burst");
    assertThat(s.get("/rate-limits/rules", AUTH).header("ETag"))
        .isEqualTo(before.header("ETag"));
  }

  @Test
  void put_withStaleIfMatch_is412_andCurrentIfMatchSucceeds() {
    String etag = s.get("/rate-limits/rules", AUTH).header("ETag");
    String v1 = "{\"rules\":[{\"id\":\"v1\",\"limits\":[{\"window\":\"1s\",\"max\":1}]}]}";
    String v2 = "{\"rules\":[{\"id\":\"v2\",\"limits\":[{\"window\":\"1s\",\"max\":1}]}]}";
    Answer first = s.put("/rate-limits/rules", v1, auth("If-Match", etag));
    assertThat(first.status()).isEqualTo(200);
    // A second writer that read the same version loses, and learns the current one.
    Answer second = s.put("/rate-limits/rules", v2, auth("If-Match", etag));
    assertThat(second.status()).isEqualTo(412);
    assertThat(second.header("ETag")).isEqualTo(first.header("ETag"));
    assertThat(s.get("/rate-limits/rules/v1", AUTH).status()).isEqualTo(200);
    Answer retry = s.put("/rate-limits/rules", v2, auth("If-Match",
        second.header("ETag")));
    assertThat(retry.status()).isEqualTo(200);
  }

  @Test
  void singleRule_putAndDelete() {
    String etag = s.get("/rate-limits/rules", AUTH).header("ETag");
    Answer put = s.put("/rate-limits/rules/single_one",
        "{\"limits\":[{\"window\":\"1m\",\"max\":3}]}", auth("If-Match", etag));
    assertThat(put.status()).as(put.text()).isEqualTo(200);
    assertThat(s.get("/rate-limits/rules/single_one", AUTH).status()).isEqualTo(200);
    Answer mismatch = s.put("/rate-limits/rules/single_one",
        "{\"id\":\"other\",\"limits\":[{\"window\":\"1m\",\"max\":3}]}", AUTH);
    assertThat(mismatch.status()).isEqualTo(400);
    assertThat(s.delete("/rate-limits/rules/single_one", AUTH).status()).isEqualTo(200);
    assertThat(s.get("/rate-limits/rules/single_one", AUTH).status()).isEqualTo(404);
    assertThat(s.delete("/rate-limits/rules/single_one", AUTH).status()).isEqualTo(404);
  }

  @Test
  void bounds_giveClear4xx_neverA500() {
    Answer tooBig = s.put("/rate-limits/rules", rules(300), AUTH);
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json().get("status").asInt()).isEqualTo(413);

    Answer tooMany = s.put("/rate-limits/rules", rules(6), AUTH);
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.text()).contains("exceed the maximum of 5");

    StringBuilder limits = new StringBuilder("{\"rules\":[{\"id\":\"l\",\"limits\":[");
    for (int i = 0; i < 17; i++) {
      limits.append(i > 0 ? "," : "").append("{\"window\":\"1s\",\"max\":1}");
    }
    limits.append("]}]}");
    assertThat(s.put("/rate-limits/rules", limits.toString(), AUTH).json().get("errors")
        .get(0).get("path").asText()).isEqualTo("$.rules[0].limits");

    for (String junk : new String[] {"", "{", "[1,2]", "null", "{\"rules\":{}}", "\"x\"",
        "{\"rules\":[1]}", "{\"rules\":[{\"id\":\"" + "x".repeat(101) + "\"}]}"}) {
      Answer r = s.put("/rate-limits/rules", junk, AUTH);
      assertThat(r.status()).as(junk).isEqualTo(400);
      assertThat(r.text()).doesNotContain("Exception").doesNotContain("\tat ");
    }
    Answer nowhere = s.get("/nowhere");
    assertThat(nowhere.status()).isEqualTo(404);
    assertThat(nowhere.header("Content-Type")).isEqualTo("application/problem+json");
  }

  /** A rules document of {@code n} rules {@code r0}, {@code r1}, ..., each of 1 a second. */
  private static String rules(int n) {
    StringBuilder b = new StringBuilder("{\"rules\":[");
    for (int i = 0; i < n; i++) {
      b.append(i > 0 ? "," : "").append("{\"id\":\"r").append(i)
          .append("\",\"limits\":[{\"window\":\"1s\",\"max\":1}]}");
    }
    return b.append("]}").toString();
  }
}
