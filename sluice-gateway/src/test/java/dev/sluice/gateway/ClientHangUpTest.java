package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.TestHttp.Answer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that hangs up while its request is in flight is its own outcome: the cancelled
 * upstream request is not an upstream failure, so healthy hosts are never ejected for it.
 */
class ClientHangUpTest {
  @TempDir
  Path dir;

  @Test
  void clientsHangingUpMidRequest_areCountedAsSuch_andEjectNoHealthyHost() throws Exception {
    try (TestUpstream a = TestUpstream.start("a"); TestUpstream b = TestUpstream.start("b");
        TestGateway g = TestGateway.twoHosts(dir, a, b, """
            lb: round-robin
            outlier: {consecutive-failures: 2, base-ejection-time: 30s,
                      max-ejected-share: 0.5}
            adaptive: {algorithm: gradient2, initial-limit: 20, min-limit: 1,
                       max-limit: 200}
            """)) {
      a.delayMillis = 300;
      b.delayMillis = 300;
      // 12 clients that send a whole request and hang up after 50 ms, long before the answer.
      List<Socket> sockets = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        Socket s = new Socket("127.0.0.1", g.port());
        OutputStream out = s.getOutputStream();
        out.write("GET /work HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        sockets.add(s);
      }
      Thread.sleep(50);
      for (Socket s : sockets) {
        close(s);
      }
      await().atMost(Duration.ofSeconds(10)).until(() ->
          g.metric("sluice_gateway_client_closed_total{upstream=\"api\"}") >= 12.0);
      Thread.sleep(400); // past the upstreams' answers to the cancelled requests
      String metrics = g.metrics();
      assertThat(metrics).doesNotContain("sluice_gateway_responses_total{status=\"5xx\"}");
      assertThat(metrics).doesNotContain("status=\"reset\"");
      assertThat(g.metric("sluice_gateway_client_closed_total{upstream=\"api\"}"))
          .isEqualTo(12.0);
      assertThat(g.metric("sluice_gateway_in_flight{upstream=\"api\"}")).isZero();

      // Both hosts still take traffic.
      a.delayMillis = 0;
      b.delayMillis = 0;
      java.util.Map<String, Integer> served = new java.util.HashMap<>();
      for (int i = 0; i < 20; i++) {
        Answer r = g.get("/work");
        assertThat(r.status()).isEqualTo(200);
        served.merge(r.header("X-Upstream"), 1, Integer::sum);
      }
      assertThat(served).containsOnlyKeys("a", "b");
      assertThat(g.metric("sluice_gateway_upstream_healthy{host=\"127.0.0.1:" + a.port()
          + "\",upstream=\"api\"}")).isEqualTo(1.0);
      assertThat(g.metric("sluice_gateway_upstream_healthy{host=\"127.0.0.1:" + b.port()
          + "\",upstream=\"api\"}")).isEqualTo(1.0);
    }
  }

  private static void close(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
