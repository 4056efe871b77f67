package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.TestHttp;
import dev.sluice.testkit.TestHttp.Answer;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's main command as a newcomer runs it: {@code sluice serve} with the shipped
 * {@code config/sluice.yaml}, as its own JVM, answering HTTP checks and Envoy's RLS, and leaving
 * the tracked files alone when rules are PUT.
 */
class ShippedConfigTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

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
    try (ServeProcess p = ServeProcess.start(cfg, dir.resolve("state"), "Sluice",
        "Envoy RLS")) {
      String url = p.address("Sluice");
      String rls = p.address("Envoy RLS");

      Answer res = TestHttp.send(HttpRequest.newBuilder(URI.create(url + "/rate-limit/check"))
          .POST(HttpRequest.BodyPublishers.ofString(
              "{\"method\":\"GET\",\"path\":\"/api/hello\"}")), TIMEOUT);
      assertThat(res.status()).isEqualTo(200);
      JsonNode body = res.json();
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
      Answer put = TestHttp.send(HttpRequest.newBuilder(URI.create(url
          + "/rate-limits/rules/tried_it")).header("Content-Type", "application/json")
          .PUT(HttpRequest.BodyPublishers.ofString(
              "{\"limits\":[{\"window\":\"1m\",\"max\":3}]}")), TIMEOUT);
      assertThat(put.status()).as(put.text()).isEqualTo(200);
      assertThat(Files.readAllBytes(repo.resolve("config/rules.yaml"))).isEqualTo(shippedRules);
      assertThat(Files.readString(dir.resolve("state/rules.yaml"))).contains("tried_it");
    } finally {
      Files.deleteIfExists(cfg);
    }
  }
}
