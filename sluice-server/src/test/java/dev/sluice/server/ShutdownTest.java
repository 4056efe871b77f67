package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice serve} stopped by SIGTERM (as a container runtime stops it): the check in flight
 * is answered, then the process exits 0.
 */
class ShutdownTest {
  @TempDir
  Path dir;

  @Test
  void sigterm_answersTheCheckInFlight_thenExits0() throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), """
        rules:
          - id: api
            match: {path: /api/**}
            limits: [{algorithm: fixed-window, max: 10, window: 1m}]
        """);
    Path cfg = dir.resolve("sluice.yaml");
    Files.writeString(cfg,
        "server: {drain-timeout: 10s}\nrules: {store: file, file: rules.yaml}\n");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.sluice.server.cli.ServerCli", "serve", "--config", cfg.toString(), "--port", "0")
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
      int port = -1;
      Pattern listening = Pattern.compile("Sluice listening on http://[^:]+:(\\d+)");
      for (String line = out.readLine(); line != null && port < 0; line = out.readLine()) {
        Matcher m = listening.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertThat(port).as("the serve banner").isPositive();

      // A check whose body arrives only after SIGTERM: in flight while the service stops.
      CountDownLatch release = new CountDownLatch(1);
      byte[] body = "{\"method\":\"GET\",\"path\":\"/api/x\"}".getBytes(StandardCharsets.UTF_8);
      InputStream slowBody = new SequenceInputStream(new ByteArrayInputStream(body, 0, 10),
          new InputStream() {
            private int next = 10;

            @Override
            public int read() {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
              }
              return next < body.length ? body[next++] & 0xff : -1;
            }
          });
      try (HttpClient http = HttpClient.newHttpClient()) {
        CompletableFuture<HttpResponse<String>> check = http.sendAsync(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/rate-limit/check"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> slowBody)).build(),
            HttpResponse.BodyHandlers.ofString());
        Thread.sleep(500);
        p.destroy(); // SIGTERM
        Thread.sleep(700);
        assertThat(p.isAlive()).as("still draining the check in flight").isTrue();
        release.countDown();
        HttpResponse<String> res = check.get(30, TimeUnit.SECONDS);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.body()).contains("\"rule_id\":\"api\"");
      }
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
  }
}
