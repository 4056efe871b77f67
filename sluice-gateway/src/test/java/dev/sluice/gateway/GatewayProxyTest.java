package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.TestHttp.Answer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proxying through a real gateway to real upstreams: routing, limits, headers, streaming. */
class GatewayProxyTest {
  @TempDir
  static Path dir;
  static TestUpstream api;
  static TestUpstream other;
  static TestGateway gw;

  @BeforeAll
  static void start() {
    api = TestUpstream.start("api");
    other = TestUpstream.start("other");
    gw = TestGateway.start(dir, """
        gateway:
          max-headers: 40
          max-header-bytes: 4096
          routes:
            - match: {path: "/limited/**"}
              upstream: api
            - match: {path: "/slow/**"}
              upstream: api
              timeout: 200ms
            - match: {path: "/other/**", method: [GET]}
              upstream: other
            - match: {path: "/dead/**"}
              upstream: dead
            - match: {path: "/**"}
              upstream: api
          upstreams:
            api:
              hosts: [{url: "%s"}]
            other:
              hosts: [{url: "%s"}]
            dead:
              hosts: [{url: "http://127.0.0.1:9"}]
              outlier: {consecutive-failures: 0}
        rules: {reload-interval: 50ms}
        """.formatted(api.url(), other.url()), """
        rules:
          - id: limited
            match: {path: "/limited/**"}
            limits:
              - {window: 1h, max: 2}
        """);
  }

  @AfterAll
  static void stop() {
    gw.close();
    api.close();
    other.close();
  }

  @Test
  void forwardsAllowedRequests_withTheServicesRateLimitHeaders_andAnswers429WhenDenied() {
    int before = api.hits.get();
    Answer first = gw.get("/limited/x", "X-API-Key", "k-429");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().get("id").asText()).isEqualTo("api");
    assertThat(first.header("X-RateLimit-Limit")).isEqualTo("2");
    assertThat(first.header("X-RateLimit-Remaining")).isEqualTo("1");
    assertThat(first.header("X-RateLimit-Reset")).isNotNull();
    assertThat(first.header("RateLimit-Policy")).isEqualTo("\"limited.0\";q=2;w=3600");
    assertThat(first.header("RateLimit")).startsWith("\"limited.0\";r=1;t=");
    assertThat(gw.get("/limited/x", "X-API-Key", "k-429").status()).isEqualTo(200);

    Answer denied = gw.get("/limited/x", "X-API-Key", "k-429");
    assertThat(denied.status()).isEqualTo(429);
    assertThat(denied.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(denied.header("Retry-After")).isNotNull();
    assertThat(Long.parseLong(denied.header("Retry-After"))).isPositive();
    assertThat(denied.header("X-RateLimit-Remaining")).isEqualTo("0");
    assertThat(denied.header("RateLimit-Policy")).isEqualTo("\"limited.0\";q=2;w=3600");
    JsonNode body = denied.json();
    assertThat(body.get("status").asInt()).isEqualTo(429);
    assertThat(body.get("detail").asText()).contains("limited");
    assertThat(api.hits.get() - before).isEqualTo(2);
    // Another client has its own budget.
    assertThat(gw.get("/limited/x", "X-API-Key", "k-other").status()).isEqualTo(200);
  }

  @Test
  void routes_firstMatchWins_byPathGlobAndMethod_and404ProblemWhenNoneMatches() {
    assertThat(gw.get("/other/a/b").json().get("id").asText()).isEqualTo("other");
    assertThat(gw.get("/anything").json().get("id").asText()).isEqualTo("api");
    // /other/** takes GET only: a POST falls through to the catch-all.
    String post = gw.raw("POST /other/x HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(post).contains("\"id\":\"api\"");
  }

  @Test
  void noRoute_is404Problem() throws Exception {
    Path d = dir.resolve("noroute");
    java.nio.file.Files.createDirectories(d);
    try (TestGateway g = TestGateway.start(d, """
        gateway:
          routes: [{match: {path: "/only/**"}, upstream: api}]
          upstreams: {api: {hosts: [{url: "%s"}]}}
        """.formatted(api.url()), "rules: []\n")) {
      assertProblem(g.get("/elsewhere"), 404, "GET /elsewhere");
    }
  }

  @Test
  void forwardingHeaders_areSetFromThePeer_andAForgedChainFromAnUntrustedPeerIsReplaced() {
    JsonNode h = gw.get("/echo", "X-Forwarded-For", "6.6.6.6").json().get("headers");
    assertThat(h.get("x-forwarded-for").asText()).isEqualTo("127.0.0.1");
    assertThat(h.get("forwarded").asText()).startsWith("for=127.0.0.1;host=\"127.0.0.1:");
    assertThat(h.get("x-forwarded-proto").asText()).isEqualTo("http");
    assertThat(h.get("x-forwarded-host").asText()).startsWith("127.0.0.1:");
  }

  @Test
  void forwardingHeaders_areAppendedWhenThePeerIsATrustedProxy() throws Exception {
    Path d = dir.resolve("trusted");
    java.nio.file.Files.createDirectories(d);
    try (TestGateway g = TestGateway.start(d, """
        gateway:
          routes: [{match: {path: "/**"}, upstream: api}]
          upstreams: {api: {hosts: [{url: "%s"}]}}
        identity: {trusted-proxies: [127.0.0.1]}
        """.formatted(api.url()), "rules: []\n")) {
      JsonNode h = g.get("/echo", "X-Forwarded-For", "203.0.113.7",
          "Forwarded", "for=203.0.113.7").json().get("headers");
      assertThat(h.get("x-forwarded-for").asText()).isEqualTo("203.0.113.7, 127.0.0.1");
      assertThat(h.get("forwarded").asText()).startsWith("for=203.0.113.7, for=127.0.0.1");
    }
  }

  @Test
  void hopByHopHeaders_areRemovedBothWays_includingThoseNamedByConnection() {
    String res = gw.raw("GET /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
        + "Connection: X-Secret\r\n"
        + "X-Secret: s\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: Basic eDp5\r\n"
        + "TE: trailers\r\nX-Kept: yes\r\n\r\n");
    assertThat(res).startsWith("HTTP/1.1 200");
    String body = res.substring(res.indexOf("\r\n\r\n") + 4);
    assertThat(body).contains("\"x-kept\":\"yes\"").doesNotContain("x-secret")
        .doesNotContain("keep-alive").doesNotContain("proxy-authorization")
        .doesNotContain("\"te\"");
    String head = res.substring(0, res.indexOf("\r\n\r\n")).toLowerCase();
    assertThat(head).contains("x-upstream: api").doesNotContain("x-upstream-private");
  }

  @Test
  void oversizedHeaders_tooManyHeaders_andMalformedRequests_get4xx() {
    String big = "x".repeat(5000);
    assertThat(gw.raw("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + big + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431");
    StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: t\r\n");
    for (int i = 0; i < 50; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    String tooMany = gw.raw(many.append("Connection: close\r\n\r\n").toString());
    assertThat(tooMany).startsWith("HTTP/1.1 431").contains("at most 40");
    assertThat(gw.raw("NOT A REQUEST\r\n\r\n")).matches("(?s)HTTP/1\\.[01] 400 .*");
    assertThat(gw.raw("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n"))
        .matches("(?s)HTTP/1\\.[01] 414 .*");
  }

  @Test
  void unreachableUpstream_is502Problem() {
    assertProblem(gw.get("/dead/x"), 502, "dead");
  }

  /** An RFC 9457 problem answer with {@code status} whose detail contains {@code detail}. */
  private static void assertProblem(Answer r, int status, String detail) {
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().get("detail").asText()).contains(detail);
  }

  @Test
  void routeTimeout_is504Problem() {
    api.delayMillis = 1000;
    try {
      Answer r = gw.get("/slow/x");
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.json().get("detail").asText()).contains("200 ms");
    } finally {
      api.delayMillis = 0;
    }
  }

  @Test
  void largeBodies_streamBothWays_underA96MegabyteHeap() throws Exception {
    long size = 100L << 20; // more than the test JVM's whole heap (-Xmx96m in the pom)
    HttpRequest up = HttpRequest.newBuilder(URI.create(gw.base + "/upload"))
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(size))).build();
    HttpResponse<String> r = TestGateway.HTTP.send(up, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(TestGateway.JSON.readTree(r.body()).get("bytes").asLong()).isEqualTo(size);

    HttpRequest down = HttpRequest.newBuilder(URI.create(gw.base + "/download?bytes=" + size))
        .timeout(Duration.ofSeconds(60)).build();
    HttpResponse<InputStream> d = TestGateway.HTTP.send(down,
        HttpResponse.BodyHandlers.ofInputStream());
    long read = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = d.body()) {
      for (int n; (n = in.read(buf)) > 0; ) {
        read += n;
      }
    }
    assertThat(d.statusCode()).isEqualTo(200);
    assertThat(read).isEqualTo(size);
  }

  @Test
  void adminListener_servesMetricsPerUpstreamHost() {
    gw.get("/metrics-probe");
    String m = gw.metrics();
    String host = "127.0.0.1:" + api.port();
    assertThat(m).contains("sluice_gateway_upstream_requests_total{host=\"" + host
        + "\",status=\"2xx\",upstream=\"api\"}");
    assertThat(m).contains("sluice_gateway_upstream_latency_seconds_bucket{host=\"" + host);
    assertThat(m).contains("sluice_gateway_upstream_healthy{host=\"" + host
        + "\",upstream=\"api\"} 1.0");
    assertThat(m).contains("sluice_decisions_total");
  }

  /** {@code size} zero bytes, generated as read. */
  static final class ZeroStream extends InputStream {
    private long left;

    ZeroStream(long size) {
      this.left = size;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
