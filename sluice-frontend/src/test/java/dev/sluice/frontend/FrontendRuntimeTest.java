package dev.sluice.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.rules.config.ConfigNode;
import dev.sluice.rules.config.PipelineConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's graceful close, with a real HTTP client: a slow request in flight completes while
 * the runtime closes, new connections are refused meanwhile, and the drain is bounded.
 */
class FrontendRuntimeTest {
  /** How long the slow handler takes to answer, in milliseconds. */
  static final long SLOW_MILLIS = 1500;

  @TempDir
  Path dir;

  private FrontendRuntime runtime(Duration drain) throws IOException {
    Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    List<String> problems = new ArrayList<>();
    PipelineConfig pipeline = PipelineConfig.read(ConfigNode.root(null, problems, n -> null),
        dir);
    assertThat(problems).isEmpty();
    return FrontendRuntime.start(pipeline, StatsConfig.DEFAULTS,
        new FrontendRuntime.Settings(1, false, drain));
  }

  @Test
  void close_letsASlowRequestInFlightFinish_andRefusesNewConnectionsMeanwhile() throws Exception {
    FrontendRuntime rt = runtime(Duration.ofSeconds(10));
    CountDownLatch received = new CountDownLatch(1);
    int port = rt.listen("127.0.0.1", 0, v -> v.createHttpServer().requestHandler(req -> {
      received.countDown();
      v.setTimer(SLOW_MILLIS, id -> req.response().end("done"));
    }));
    try (HttpClient http = HttpClient.newHttpClient()) {
      CompletableFuture<HttpResponse<String>> slow = http.sendAsync(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/slow")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();

      long start = System.nanoTime();
      CompletableFuture<Void> closed = CompletableFuture.runAsync(rt::close);
      Thread.sleep(300);
      assertThat(slow).as("still in flight while the runtime drains").isNotDone();
      assertThat(closed).isNotDone();
      assertThatThrownBy(() -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        }
      }).as("no new connection while draining").isInstanceOf(ConnectException.class);

      HttpResponse<String> res = slow.get(10, TimeUnit.SECONDS);
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.body()).isEqualTo("done");
      closed.get(20, TimeUnit.SECONDS);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .as("close waited for the request in flight").isGreaterThanOrEqualTo(SLOW_MILLIS - 400);
    }
  }

  @Test
  void close_givesUpOnARequestThatOutlastsTheDrainTimeout() throws Exception {
    FrontendRuntime rt = runtime(Duration.ofMillis(200));
    CountDownLatch received = new CountDownLatch(1);
    int port = rt.listen("127.0.0.1", 0, v -> v.createHttpServer().requestHandler(req -> {
      received.countDown(); // never answered
    }));
    try (HttpClient http = HttpClient.newHttpClient()) {
      CompletableFuture<HttpResponse<String>> stuck = http.sendAsync(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/stuck")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Void> closed = CompletableFuture.runAsync(rt::close);
      closed.get(5, TimeUnit.SECONDS); // bounded by the drain timeout, not by the request
      assertThat(stuck).failsWithin(Duration.ofSeconds(10));
    }
  }
}
