package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.RedisServers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice serve} with the shipped {@code config/leased.yaml} ({@code engine.type: leased}),
 * as its own JVM on a real redis-server: it starts, decides checks on leases (never degraded),
 * and shows the leases in {@code /readyz}.
 */
class LeasedConfigTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void serve_withTheLeasedConfig_decidesOnLeases_andReportsThemInReadyz() throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    String shipped = Files.readString(repo.resolve("config/leased.yaml"));
    assertThat(shipped).contains("  uri: redis://127.0.0.1:6379\n");
    Path cfg = repo.resolve("config/.test-leased-" + ProcessHandle.current().pid() + ".yaml");
    Files.writeString(cfg, shipped
        .replace("  uri: redis://127.0.0.1:6379\n", "  uri: " + RedisServers.shared().uri() + "\n")
        .replace("  sync-interval: 250ms", "  sync-interval: 50ms"));
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.sluice.cli.SluiceCommand", "serve", "--config", cfg.toString(), "--port", "0")
        .redirectErrorStream(true);
    pb.environment().put("SLUICE_STATE_DIR", dir.resolve("state").toString());
    Process p = pb.start();
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String url = null;
      String line;
      while (url == null && (line = r.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("Sluice listening on ")) {
          url = line.substring("Sluice listening on ".length()).split(" ")[0];
        }
      }
      assertThat(url).as(String.join("\n", lines)).isNotNull();

      // The first check of a client has no lease yet and wakes a round; a later one is admitted.
      JsonNode body = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(url
            + "/rate-limit/check")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"method\":\"GET\",\"path\":\"/api/hello\",\"client_id\":\"c1\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isIn(200, 429);
        body = JSON.readTree(res.body());
        assertThat(body.path("degraded").asBoolean(false)).isFalse();
        if (res.statusCode() == 200) {
          break;
        }
        Thread.sleep(20);
      }
      assertThat(body.get("allowed").asBoolean()).as(body.toString()).isTrue();
      assertThat(body.get("rule_id").asText()).isEqualTo("api_default");

      // A lease sized to one request may be spent by it: keep a little demand going until a
      // round has granted a lease with permits left (on a loaded machine rounds run late).
      JsonNode sync = null;
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(url
            + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        sync = JSON.readTree(ready.body()).get("sync").get(0);
        if (sync.get("leased_permits").asLong() > 0) {
          break;
        }
        HTTP.send(HttpRequest.newBuilder(URI.create(url + "/rate-limit/check"))
            .POST(HttpRequest.BodyPublishers.ofString(
                "{\"method\":\"GET\",\"path\":\"/api/hello\",\"client_id\":\"c1\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        Thread.sleep(20);
      }
      assertThat(sync.get("peer").asText()).isEqualTo("redis-standalone");
      assertThat(sync.get("interval_ms").asLong()).isEqualTo(50);
      assertThat(sync.get("leased_permits").asLong()).as(sync.toString()).isPositive();
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      Files.deleteIfExists(cfg);
    }
  }
}
