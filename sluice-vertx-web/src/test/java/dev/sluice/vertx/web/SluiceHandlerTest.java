package dev.sluice.vertx.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.rules.Pipeline;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.rules.config.PipelineConfig;
import dev.sluice.rules.decide.DecisionCounters;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The handler in a real Vert.x Web router over real HTTP, on {@code config/rules.yaml}: the
 * in-memory engine (decided inline) and the Redis engine on a real redis-server (decided
 * asynchronously, the event loop never blocked).
 */
class SluiceHandlerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path RULES = Path.of("../config/rules.yaml").toAbsolutePath().normalize();
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  static Pipeline pipeline(String engineYaml) throws Exception {
    List<String> problems = new ArrayList<>();
    ConfigNode top = ConfigNode.root(new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml
        .YAMLFactory()).readTree("engine:\n" + engineYaml + "rules:\n  file: " + RULES + "\n"),
        problems, System::getenv);
    PipelineConfig config = PipelineConfig.read(top, Path.of("."));
    assertThat(problems).isEmpty();
    return Pipeline.start(config, DecisionCounters.NONE, Pipeline.ReloadListener.NONE);
  }

  static int serve(Pipeline pipeline) {
    Router router = Router.router(vertx);
    router.route().handler(SluiceHandler.create(pipeline));
    router.route().handler(BodyHandler.create());
    router.route().handler(ctx -> ctx.response().end("ok"));
    HttpServer server = vertx.createHttpServer().requestHandler(router)
        .listen(0, "127.0.0.1").await();
    return server.actualPort();
  }

  static void limitsThenDenies(int port) throws Exception {
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> ok = post(port, "/api/auth/login");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("ok");
      assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).hasValue("" + (4 - i));
    }
    HttpResponse<String> denied = post(port, "/api/auth/login");
    assertThat(denied.statusCode()).isEqualTo(429);
    assertThat(denied.headers().firstValue("Content-Type"))
        .hasValue("application/problem+json");
    assertThat(denied.headers().firstValue("Retry-After")).isPresent();
    assertThat(denied.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"auth_strict.0\";r=0");
    assertThat(denied.body()).contains("rule 'auth_strict'");
    HttpResponse<String> free = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(free.statusCode()).isEqualTo(200);
    assertThat(free.headers().firstValue("RateLimit")).isEmpty();
  }

  static HttpResponse<String> post(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"a\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void inMemory() throws Exception {
    try (Pipeline p = pipeline("  type: in-memory\n")) {
      limitsThenDenies(serve(p));
    }
  }

  @Test
  void onARealRedisServerWithoutBlockingTheEventLoop() throws Exception {
    try (RedisProcess redis = RedisServers.standalone();
        Pipeline p = pipeline("  type: redis\n  uri: " + redis.uri()
            + "\n  command-timeout: 5s\n")) {
      assertThat(p.book().inline()).isFalse();
      limitsThenDenies(serve(p));
    }
  }
}
