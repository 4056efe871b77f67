package dev.sluice.examples.boot;

import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example on Spring Boot's own dependency versions (Lettuce 6.8 among them), on a random
 * port, with the Redis engine on a real redis-server.
 */
@SpringBootTest(classes = ExampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleOnRedisTest {
  private static RedisProcess redis;

  @Value("${local.server.port}") int port;

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry props) {
    redis = RedisServers.standalone();
    props.add("sluice.engine.type", () -> "redis");
    props.add("sluice.engine.uri", redis::uri);
    props.add("sluice.engine.command-timeout", () -> "5s");
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Test
  void limitsThenDenies() throws Exception {
    ExampleChecks.limitsThenDenies(port);
  }
}
