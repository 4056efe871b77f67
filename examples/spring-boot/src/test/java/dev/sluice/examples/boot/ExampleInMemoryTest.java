package dev.sluice.examples.boot;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/** The example on Spring Boot's own dependency versions, on a random port, in-memory engine. */
@SpringBootTest(classes = ExampleApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleInMemoryTest {
  @Value("${local.server.port}") int port;

  @Test
  void limitsThenDenies() throws Exception {
    ExampleChecks.limitsThenDenies(port);
  }
}
