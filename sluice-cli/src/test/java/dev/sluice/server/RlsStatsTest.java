package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.server.SluiceServer;
import dev.sluice.server.config.ServerConfig;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Envoy RLS run by {@code serve} beside the HTTP API feeds the same traffic statistics:
 * its descriptors appear in {@code GET /rate-limits/stats} as {@code envoy/<rule id>}, with the
 * descriptor's entries as the client.
 */
class RlsStatsTest {
  static final String TOKEN = "rls-stats-admin-token-0123";

  @TempDir
  Path dir;

  @Test
  void rlsDecisions_feedTheServiceStats() throws Exception {
    Path envoy = Files.createDirectories(dir.resolve("envoy"));
    Files.writeString(envoy.resolve("edge.yaml"), """
        domain: edge
        descriptors:
          - key: remote_address
            rate_limit: {unit: hour, requests_per_unit: 2}
        """);
    Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    ServerConfig config = ServerConfig.parse(new ObjectMapper(new YAMLFactory()).readTree(
        "admin: {token: " + TOKEN + "}\nrls: {port: 0, config-dir: envoy}\n"), dir, n -> null)
        .withPort(0);
    try (SluiceServer server = SluiceServer.start(config)) {
      Matcher m = Pattern.compile(":(\\d+) \\(domains").matcher(server.banners().get(0));
      assertThat(m.find()).as(server.banners().get(0)).isTrue();
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1",
          Integer.parseInt(m.group(1))).usePlaintext().build();
      try {
        var stub = RateLimitServiceGrpc.newBlockingStub(ch).withDeadlineAfter(30,
            TimeUnit.SECONDS);
        int over = 0;
        for (int i = 0; i < 5; i++) {
          RateLimitResponse r = stub.shouldRateLimit(RateLimitRequest.newBuilder()
              .setDomain("edge").addDescriptors(descriptor("remote_address",
                  "10.0.0.1")).build());
          over += r.getOverallCode() == RateLimitResponse.Code.OVER_LIMIT ? 1 : 0;
        }
        stub.shouldRateLimit(RateLimitRequest.newBuilder().setDomain("edge")
            .addDescriptors(descriptor("remote_address", "10.0.0.2")).build());
        assertThat(over).isEqualTo(3);
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/rate-limits/stats"))
          .header("Authorization", "Bearer " + TOKEN).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
      JsonNode rule = new ObjectMapper().readTree(res.body()).get("rules").get(0);
      assertThat(rule.get("rule").asText()).isEqualTo("envoy/rls:edge.remote_address");
      assertThat(rule.get("source").asText()).isEqualTo("envoy");
      assertThat(rule.get("requested_total").asLong()).isEqualTo(6);
      assertThat(rule.get("denied_total").asLong()).isEqualTo(3);
      JsonNode top = rule.get("denied_most").get("clients").get(0);
      assertThat(top.get("client").asText()).isEqualTo("remote_address=10.0.0.1");
      assertThat(top.get("estimate").asLong()).isEqualTo(3);
      assertThat(rule.get("unique_clients").get("estimate").asLong()).isEqualTo(2);
      // One descriptor's stats, its id encoded as the console encodes it.
      HttpResponse<String> one = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port()
              + "/rate-limits/stats/envoy%2Frls%3Aedge.remote_address?top=1"))
          .header("Authorization", "Bearer " + TOKEN).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
      assertThat(new ObjectMapper().readTree(one.body()).get("requested_most").get("clients"))
          .hasSize(1);
    }
  }

  private static RateLimitDescriptor descriptor(String key, String value) {
    return RateLimitDescriptor.newBuilder().addEntries(RateLimitDescriptor.Entry.newBuilder()
        .setKey(key).setValue(value)).build();
  }
}
