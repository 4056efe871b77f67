package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A WebSocket upgrade passes through to a real WebSocket upstream. */
class WebSocketTest {
  @TempDir
  Path dir;

  @Test
  void webSocketUpgrade_isRelayedFrameByFrameBothWays() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer echo = vertx.createHttpServer().webSocketHandler(ws -> {
        String xff = ws.headers().get("X-Forwarded-For");
        ws.textMessageHandler(m -> ws.writeTextMessage("echo " + m + " via " + xff));
      });
      int port = echo.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).actualPort();
      try (TestGateway g = TestGateway.start(dir, """
          gateway:
            routes: [{match: {path: "/ws/**"}, upstream: ws}]
            upstreams: {ws: {hosts: [{url: "http://127.0.0.1:%d"}]}}
          """.formatted(port), "rules: []\n")) {
        LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        WebSocket ws = TestGateway.HTTP.newWebSocketBuilder()
            .buildAsync(URI.create("ws://127.0.0.1:" + g.gateway.port() + "/ws/chat"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data,
                      boolean last) {
                    got.add(data.toString());
                    w.request(1);
                    return CompletableFuture.completedFuture(null);
                  }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("echo hello via 127.0.0.1");
        ws.sendText("again", true).get(5, TimeUnit.SECONDS);
        assertThat(got.poll(5, TimeUnit.SECONDS)).isEqualTo("echo again via 127.0.0.1");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
