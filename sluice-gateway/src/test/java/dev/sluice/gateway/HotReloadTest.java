package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.rules.config.ConfigException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routes, upstreams and rules reload from the file without dropping open connections. */
class HotReloadTest {
  @TempDir
  Path dir;

  private static String config(String upstreamUrl, String extra) {
    return """
        gateway:
          reload-interval: 50ms
          routes: [{match: {path: "/**"}, upstream: %s}]
          upstreams:
            one: {hosts: [{url: "%s"}]}
            two: {hosts: [{url: "%s"}]}
        rules: {reload-interval: 50ms}
        """.formatted(upstreamUrl, "%ONE%", "%TWO%") + extra;
  }

  @Test
  void routeChange_takesEffectOnAnOpenKeepAliveConnection_andAnInvalidChangeIsRefused()
      throws Exception {
    try (TestUpstream one = TestUpstream.start("one"); TestUpstream two = TestUpstream.start("two");
        TestGateway g = TestGateway.start(dir, fill(config("one", ""), one, two), "rules: []\n");
        Socket s = new Socket("127.0.0.1", g.gateway.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
          StandardCharsets.ISO_8859_1));
      assertThat(exchange(out, in)).isEqualTo("one");

      Files.writeString(g.file, fill(config("two", ""), one, two));
      await().atMost(Duration.ofSeconds(5)).until(() -> "two".equals(g.get("/").header(
          "X-Upstream")));
      // The same connection, opened before the reload, is still served, now by "two".
      assertThat(exchange(out, in)).isEqualTo("two");

      // Invalid: a route to an upstream that does not exist. Refused; "two" stays in force.
      String bad = fill(config("three", ""), one, two);
      Files.writeString(g.file, bad);
      assertThatThrownBy(g.gateway::reload).isInstanceOf(ConfigException.class)
          .hasMessageContaining("gateway.routes[0].upstream")
          .hasMessageContaining("'three'");
      Thread.sleep(300);
      assertThat(exchange(out, in)).isEqualTo("two");
      assertThat(g.metrics()).contains("sluice_gateway_config_reloads_total{result=\"failure\"}");
    }
  }

  @Test
  void rulesFileChange_takesEffectWithoutRestart() throws Exception {
    try (TestUpstream one = TestUpstream.start("one"); TestUpstream two = TestUpstream.start("two");
        TestGateway g = TestGateway.start(dir, fill(config("one", ""), one, two), "rules: []\n")) {
      assertThat(g.get("/x").status()).isEqualTo(200);
      assertThat(g.get("/x").status()).isEqualTo(200);
      Files.writeString(dir.resolve("rules.yaml"), """
          rules:
            - id: tight
              match: {path: "/**"}
              limits: [{window: 1h, max: 1}]
          """);
      await().atMost(Duration.ofSeconds(5)).until(() -> g.get("/x").status() == 429);
    }
  }

  private static String fill(String yaml, TestUpstream one, TestUpstream two) {
    return yaml.replace("%ONE%", one.url()).replace("%TWO%", two.url());
  }

  /** One keep-alive request on {@code out}; the X-Upstream of the answer. */
  private static String exchange(OutputStream out, BufferedReader in) throws Exception {
    out.write("GET /k HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String status = in.readLine();
    assertThat(status).startsWith("HTTP/1.1 200");
    String upstream = null;
    int length = 0;
    boolean chunked = false;
    for (String line; !(line = in.readLine()).isEmpty(); ) {
      String l = line.toLowerCase();
      if (l.startsWith("x-upstream:")) {
        upstream = line.substring(11).trim();
      } else if (l.startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      } else if (l.startsWith("transfer-encoding:")) {
        chunked = true;
      }
      assertThat(l).doesNotStartWith("connection: close");
    }
    assertThat(chunked).isFalse();
    for (int i = 0; i < length; i++) {
      in.read();
    }
    return upstream;
  }
}
