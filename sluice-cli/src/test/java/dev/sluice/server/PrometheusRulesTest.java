package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Prometheus rules ({@code deploy/prometheus}) through Prometheus's own
 * {@code promtool}: every file passes {@code check rules}, every unit test file
 * ({@code deploy/prometheus/tests}) passes {@code test rules}, and the tests are worth something:
 * each alert has cases where it fires and cases where it stays silent, the burn-rate pairs are the
 * SRE workbook's, the objectives are set in one file, and a wrong expectation fails.
 */
class PrometheusRulesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final List<String> RULE_FILES =
      List.of("slo-objectives.yml", "sluice-slo.yml", "sluice-alerts.yml");
  private static Path promtool;
  private static Path dir;

  @TempDir
  Path tmp;

  @BeforeAll
  static void findPromtool() {
    promtool = ExternalTools.require("promtool", "prometheus", "PrometheusRulesTest");
    dir = ExternalTools.deploy().resolve("prometheus");
  }

  private static List<String> command(String... args) {
    List<String> c = new ArrayList<>(List.of(promtool.toString()));
    c.addAll(List.of(args));
    return c;
  }

  private static List<Path> testFiles() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("tests"))) {
      return s.filter(p -> p.toString().endsWith(".test.yml")).sorted().toList();
    }
  }

  @Test
  void checkRules_acceptsEveryRuleFile() {
    List<String> c = command("check", "rules");
    c.addAll(RULE_FILES);
    ExternalTools.Run r = ExternalTools.run(dir, 60, c);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).doesNotContain("FAILED").contains("SUCCESS: 2 rules found",
        "SUCCESS: 16 rules found", "SUCCESS: 9 rules found");
  }

  @Test
  void exampleConfig_loadsTheRules() {
    ExternalTools.Run r = ExternalTools.run(dir, 60,
        command("check", "config", "prometheus.example.yml"));
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: 9 rules found");
  }

  @Test
  void unitTests_passForEveryFile() throws IOException {
    List<Path> files = testFiles();
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    List<String> c = command("test", "rules");
    files.forEach(f -> c.add(f.getFileName().toString()));
    ExternalTools.Run r = ExternalTools.run(dir.resolve("tests"), 300, c);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().split("SUCCESS", -1)).hasSize(files.size() + 1);
  }

  @Test
  void everyAlert_hasFiringAndSilentCases() throws IOException {
    Map<String, int[]> cases = new HashMap<>(); // alert -> {firing, silent}
    for (Path f : testFiles()) {
      for (JsonNode group : YAML.readTree(f.toFile()).path("tests")) {
        for (JsonNode c : group.path("alert_rule_test")) {
          int[] n = cases.computeIfAbsent(c.path("alertname").asText(), k -> new int[2]);
          n[c.path("exp_alerts").isEmpty() ? 1 : 0]++;
        }
      }
    }
    TreeSet<String> alerts = new TreeSet<>();
    for (JsonNode group : YAML.readTree(dir.resolve("sluice-alerts.yml").toFile()).path("groups")) {
      group.path("rules").forEach(rule -> alerts.add(rule.path("alert").asText()));
    }
    assertThat(alerts).contains("SluiceErrorBudgetBurn1h", "SluiceErrorBudgetBurn6h",
        "SluiceErrorBudgetBurn1d", "SluiceErrorBudgetBurn3d", "SluiceRedisBreakersOpen",
        "SluiceRulesReloadFailing", "SluiceRedisErrorsRising", "SluiceCertificateExpiringSoon");
    for (String alert : alerts) {
      int[] n = cases.getOrDefault(alert, new int[2]);
      assertThat(n[0]).as(alert + ": cases where it fires").isPositive();
      assertThat(n[1]).as(alert + ": cases where it stays silent").isPositive();
    }
  }

  @Test
  void burnRatePairs_areTheWorkbooks_andTheObjectivesLiveInOneFile() throws IOException {
    Map<String, String> pairs = new HashMap<>();
    for (JsonNode group : YAML.readTree(dir.resolve("sluice-alerts.yml").toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        JsonNode l = rule.path("labels");
        if (l.has("burn_rate")) {
          pairs.put(l.path("long_window").asText() + "/" + l.path("short_window").asText(),
              l.path("burn_rate").asText());
          String expr = rule.path("expr").asText();
          assertThat(expr).as(rule.path("alert").asText())
              .contains("sluice:slo_errors:ratio_rate" + l.path("long_window").asText(),
                  "sluice:slo_errors:ratio_rate" + l.path("short_window").asText(),
                  l.path("burn_rate").asText() + " * (1 - sluice:slo_objective:ratio)");
        }
      }
    }
    assertThat(pairs).containsExactlyInAnyOrderEntriesOf(
        Map.of("1h/5m", "14.4", "6h/30m", "6", "1d/2h", "3", "3d/6h", "1"));
    // An objective is a vector(...) recording rule; only slo-objectives.yml may hold one.
    for (String f : RULE_FILES) {
      String text = Files.readString(dir.resolve(f));
      assertThat(text.contains("vector(")).as(f).isEqualTo(f.equals("slo-objectives.yml"));
    }
  }

  @Test
  void theHarnessCanFail_aBrokenRuleAndAWrongExpectation() throws IOException {
    Path bad = tmp.resolve("bad.yml");
    Files.writeString(bad, """
        groups:
          - name: bad
            rules:
              - alert: Broken
                expr: sum by (job (rate(x[5m]))
        """);
    ExternalTools.Run check = ExternalTools.run(tmp, 60, command("check", "rules", "bad.yml"));
    assertThat(check.exit()).as(check.output()).isNotZero();

    for (String f : RULE_FILES) {
      Files.copy(dir.resolve(f), tmp.resolve(f));
    }
    Path wrong = tmp.resolve("wrong.test.yml");
    Files.writeString(wrong, """
        rule_files: [slo-objectives.yml, sluice-slo.yml, sluice-alerts.yml]
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              - series: 'sluice_rules_last_reload_failed{job="sluice",instance="a",store="file"}'
                values: '1x10'
            alert_rule_test:
              - eval_time: 2m
                alertname: SluiceRulesReloadFailing
                exp_alerts:
                  - exp_labels: {job: sluice, instance: a, store: file, severity: ticket}
        """);
    ExternalTools.Run test = ExternalTools.run(tmp, 60, command("test", "rules", "wrong.test.yml"));
    assertThat(test.exit()).as("firing after 2 of the 5 minutes of its 'for' is wrong")
        .isNotZero();
    assertThat(test.output()).contains("FAILED");
  }
}
