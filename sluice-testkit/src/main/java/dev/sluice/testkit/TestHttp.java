package dev.sluice.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A real HTTP client for the tests of the front ends: sends a request, returns the whole answer
 * as text, and turns I/O failures into unchecked errors so a test states only what it expects.
 * Thread-safe.
 */
public final class TestHttp {
  /** The client every request goes through (connections time out after 10 s). */
  public static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  /** The tests' JSON mapper. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private TestHttp() {}

  /** An answer: status, headers and body text. */
  public record Answer(int status, HttpHeaders headers, String text) {
    /**
     * The body as JSON.
     *
     * @throws AssertionError when it is not JSON
     */
    public JsonNode json() {
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    /** The first value of header {@code name}, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /**
   * Sends the request with the given headers added and waits for its whole answer.
   *
   * @param headers header names and values, alternating
   * @param timeout how long the answer may take once the request is sent
   * @throws UncheckedIOException when the exchange fails
   */
  public static Answer send(HttpRequest.Builder request, Duration timeout, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = CLIENT.send(request.timeout(timeout).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
