package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
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
 * The README's main command as a newcomer runs it: {@code sluice serve} with the shipped
 * {@code config/sluice.yaml}, as its own JVM, answering HTTP checks and Envoy's RLS, and leaving
 * the tracked files alone when rules are PUT.
 */
class ShippedConfigTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void serve_withTheShippedConfig_answersHttpAndEnvoy_andLeavesTrackedFilesAlone()
      throws Exception {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    byte[] shippedRules = Files.readAllBytes(repo.resolve("config/rules.yaml"));
    // The shipped file, with the RLS on any free port (8081 may be taken where tests run).
    String shipped = Files.readString(repo.resolve("config/sluice.yaml"));
    assertThat(shipped).contains("  port: 8081                     # 0 = any free port");
    Path cfg = repo.resolve("config/.test-sluice-" + ProcessHandle.current().pid() + ".yaml");
    Files.writeString(cfg, shipped.replace(
        "  port: 8081                     # 0 = any free port", "  port: 0"));
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
      String rls = null;
      String line;
      while ((url == null || rls == null) && (line = r.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("Sluice listening on ")) {
          url = line.substring("Sluice listening on ".length()).split(" ")[0];
        }
        if (line.startsWith("Envoy RLS listening on ")) {
          rls = line.substring("Envoy RLS listening on ".length()).split(" ")[0];
        }
      }
      assertThat(url).as(String.join("\n", lines)).isNotNull();
      assertThat(rls).as(String.join("\n", lines)).isNotNull();

      HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(url
          + "/rate-limit/check")).POST(HttpRequest.BodyPublishers.ofString(
              "{\"method\":\"GET\",\"path\":\"/api/hello\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(200);
      JsonNode body = JSON.readTree(res.body());
      assertThat(body.get("rule_id").asText()).isEqualTo("api_default");

      ManagedChannel ch = ManagedChannelBuilder.forTarget(rls).usePlaintext().build();
      try {
        RateLimitResponse envoy = RateLimitServiceGrpc.newBlockingStub(ch)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .shouldRateLimit(RateLimitRequest.newBuilder().setDomain("messaging")
                .addDescriptors(RateLimitDescriptor.newBuilder().addEntries(
                    RateLimitDescriptor.Entry.newBuilder().setKey("message_type")
                        .setValue("marketing")).addEntries(RateLimitDescriptor.Entry.newBuilder()
                        .setKey("to_number").setValue("2061111111"))).build());
        assertThat(envoy.getOverallCode()).isEqualTo(RateLimitResponse.Code.OK);
        // ERL's example: 5 marketing messages a day to each number; this was the first.
        assertThat(envoy.getStatuses(0).getCurrentLimit().getRequestsPerUnit()).isEqualTo(5);
        assertThat(envoy.getStatuses(0).getLimitRemaining()).isEqualTo(4);
      } finally {
        ch.shutdownNow();
      }

      // Trying the rules API as the README suggests leaves the tracked files alone: the change
      // goes to the working copy (here under SLUICE_STATE_DIR).
      HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(url
          + "/rate-limits/rules/tried_it")).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(
              "{\"limits\":[{\"window\":\"1m\",\"max\":3}]}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
      assertThat(Files.readAllBytes(repo.resolve("config/rules.yaml"))).isEqualTo(shippedRules);
      assertThat(Files.readString(dir.resolve("state/rules.yaml"))).contains("tried_it");
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      Files.deleteIfExists(cfg);
    }
  }
}
