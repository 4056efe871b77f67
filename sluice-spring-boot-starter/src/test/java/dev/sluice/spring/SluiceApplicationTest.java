package dev.sluice.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A real application on a random port (Tomcat, Spring MVC, Actuator), asked over real HTTP: the
 * filter on {@code config/rules.yaml}'s rules, {@code @RateLimited} on a controller method and
 * on a service method with a SpEL key and a fallback, the health and the rules endpoint.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "sluice.rules.file=classpath:sluice-rules.yaml", "sluice.filter.enabled=true",
    "management.endpoints.web.exposure.include=health,sluice,metrics",
    "management.endpoint.health.show-details=always"})
class SluiceApplicationTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Value("${local.server.port}") int port;

  // Classes nested in a test class are left out of component scanning: imported here.
  @SpringBootApplication
  @Import({Api.class, Quotes.class})
  static class App {
    public static void main(String[] args) {
      SpringApplication.run(App.class, args);
    }
  }

  @Service
  static class Quotes {
    @RateLimited(rule = "auth_strict", key = "'tenant:' + #tenant", fallback = "busy")
    public String quote(String tenant) {
      return "quote for " + tenant;
    }

    public String busy(String tenant, RateLimitedException e) {
      return "busy for " + tenant + " (" + e.outcome().rule().id() + ")";
    }
  }

  @RestController
  static class Api {
    private final Quotes quotes;

    Api(Quotes quotes) {
      this.quotes = quotes;
    }

    @PostMapping("/api/auth/login")
    String login() {
      return "welcome";
    }

    @GetMapping("/reports")
    @RateLimited(rule = "auth_strict")
    String reports() {
      return "report";
    }

    @GetMapping("/quotes/{tenant}")
    String quote(@PathVariable("tenant") String tenant) {
      return quotes.quote(tenant);
    }
  }

  HttpResponse<String> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theFilterAdmitsWithHeadersThenAnswers429() throws Exception {
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> ok = send("POST", "/api/auth/login", "X-API-Key", "filter");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("welcome");
      assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).hasValue("" + (4 - i));
    }
    HttpResponse<String> denied = send("POST", "/api/auth/login", "X-API-Key", "filter");
    assertThat(denied.statusCode()).isEqualTo(429);
    assertThat(denied.headers().firstValue("Content-Type"))
        .hasValue("application/problem+json");
    assertThat(denied.headers().firstValue("Retry-After")).isPresent();
    assertThat(denied.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"auth_strict.0\";r=0");
    assertThat(denied.body()).contains("rate-limited");
  }

  @Test
  void anAnnotatedControllerMethodAnswers429WithTheHeaders() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(send("GET", "/reports", "X-API-Key", "annotated").statusCode())
          .isEqualTo(200);
    }
    HttpResponse<String> denied = send("GET", "/reports", "X-API-Key", "annotated");
    assertThat(denied.statusCode()).isEqualTo(429);
    assertThat(denied.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
    assertThat(denied.headers().firstValue("RateLimit-Policy")).isPresent();
    assertThat(denied.body()).contains("\"status\":429");
    // Another client has its own budget.
    assertThat(send("GET", "/reports", "X-API-Key", "other").statusCode()).isEqualTo(200);
  }

  @Test
  void aServiceMethodKeyedBySpelFallsBack() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(send("GET", "/quotes/acme").body()).isEqualTo("quote for acme");
    }
    assertThat(send("GET", "/quotes/acme").body()).isEqualTo("busy for acme (auth_strict)");
    assertThat(send("GET", "/quotes/globex").body()).isEqualTo("quote for globex");
  }

  @Test
  void actuatorHealthRulesAndMetrics() throws Exception {
    HttpResponse<String> health = send("GET", "/actuator/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"sluice\"").contains("in-memory");
    HttpResponse<String> rules = send("GET", "/actuator/sluice");
    assertThat(rules.statusCode()).isEqualTo(200);
    assertThat(rules.body()).contains("\"version\"").contains("auth_strict")
        .contains("api_default");
    send("POST", "/api/auth/login", "X-API-Key", "metrics");
    HttpResponse<String> m = send("GET", "/actuator/metrics/sluice_decisions_total");
    assertThat(m.statusCode()).as(m.body()).isEqualTo(200);
    assertThat(m.body()).contains("auth_strict");
  }
}
