package dev.sluice.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example on Spring Boot's own dependency versions, on a random port over real HTTP: with
 * the in-memory engine, and with the Redis engine on a real redis-server.
 */
class ExampleApplicationTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static void limitsThenDenies(int port) throws Exception {
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> ok = post(port, "/api/auth/login");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).hasValue("" + (4 - i));
    }
    HttpResponse<String> denied = post(port, "/api/auth/login");
    assertThat(denied.statusCode()).isEqualTo(429);
    assertThat(denied.headers().firstValue("Retry-After")).isPresent();
    assertThat(denied.headers().firstValue("RateLimit-Policy")).isPresent();
    assertThat(denied.body()).contains("https://sluice.dev/problems/rate-limited");
  }

  static HttpResponse<String> post(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Nested
  @SpringBootTest(classes = ExampleApplication.class,
      webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
  class InMemory {
    @Value("${local.server.port}") int port;

    @Test
    void limitsThenDenies() throws Exception {
      ExampleApplicationTest.limitsThenDenies(port);
    }
  }

  static RedisProcess redis;

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @Nested
  @SpringBootTest(classes = ExampleApplication.class,
      webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
  class OnRedis {
    @Value("${local.server.port}") int port;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry props) {
      redis = RedisServers.standalone();
      props.add("sluice.engine.type", () -> "redis");
      props.add("sluice.engine.uri", redis::uri);
      props.add("sluice.engine.command-timeout", () -> "5s");
    }

    @Test
    void limitsThenDenies() throws Exception {
      ExampleApplicationTest.limitsThenDenies(port);
    }
  }
}
