package dev.sluice.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** What the example's tests check over real HTTP: 200s with the headers, then a 429. */
final class ExampleChecks {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ExampleChecks() {}

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
}
