package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules file is watched: valid changes apply, invalid ones keep the last good rules. */
class HotReloadTest {
  @TempDir
  Path dir;

  @Test
  void validEdit_isPickedUp_invalidEdit_keepsLastGoodRules_andCountsAFailure()
      throws Exception {
    try (TestServer s = TestServer.start(dir, """
        rules:
          - id: first
            match: {path: "/r/**"}
            limits: [{window: 1h, max: 5}]
        """)) {
      String check = "{\"method\":\"GET\",\"path\":\"/r/1\",\"client_ip\":\"192.0.2.1\"}";
      assertThat(s.check(check).json().get("rule_id").asText()).isEqualTo("first");

      Files.writeString(dir.resolve("rules.yaml"), """
          rules:
            - id: second
              match: {path: "/r/**"}
              limits: [{window: 1h, max: 7}]
          """);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(s.check(check).json().get("rule_id").asText()).isEqualTo("second"));

      double failures = s.metric("sluice_rules_reloads_total", "result=\"failure\"");
      Files.writeString(dir.resolve("rules.yaml"), """
          rules:
            - id: third
              match: {path: "/r/**"}
              limits: [{window: forever, max: 7}]
          """);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(s.metric("sluice_rules_reloads_total", "result=\"failure\""))
            .isGreaterThan(failures);
        assertThat(s.metric("sluice_rules_reload_failures_total", "reason=\"invalid\""))
            .isGreaterThanOrEqualTo(1);
        assertThat(s.metric("sluice_rules_last_reload_failed")).isEqualTo(1);
      });
      assertThat(s.check(check).json().get("rule_id").asText()).isEqualTo("second");

      Files.writeString(dir.resolve("rules.yaml"), "rules: [ {{{ not yaml");
      Files.writeString(dir.resolve("rules.yaml"), """
          rules:
            - id: fourth
              match: {path: "/r/**"}
              limits: [{window: 1h, max: 7}]
          """);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(s.check(check).json().get("rule_id").asText()).isEqualTo("fourth"));
      assertThat(s.metric("sluice_rules_last_reload_failed")).isZero();
    }
  }

  @Test
  void putThroughTheApi_rewritesTheFile() throws Exception {
    try (TestServer s = TestServer.start(dir, """
        rules:
          - id: first
            limits: [{window: 1h, max: 5}]
        """)) {
      assertThat(s.put("/rate-limits/rules", "{\"rules\":[{\"id\":\"from_api\",\"limits\":"
          + "[{\"window\":\"1m\",\"max\":9}]}]}").status()).isEqualTo(200);
      assertThat(Files.readString(dir.resolve("rules.yaml"))).contains("from_api");
    }
  }
}
