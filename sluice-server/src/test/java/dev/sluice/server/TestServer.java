package dev.sluice.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real server on a free loopback port, configured from YAML text written to a temporary
 * folder, and a real HTTP client to talk to it.
 */
final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  final Path dir;
  final SluiceServer server;
  final String base;

  private TestServer(Path dir, SluiceServer server) {
    this.dir = dir;
    this.server = server;
    this.base = "http://127.0.0.1:" + server.port();
  }

  /** A server with this config (YAML, port forced to 0) and rules file content. */
  static TestServer start(Path dir, String configYaml, String rulesYaml) {
    try {
      Files.writeString(dir.resolve("rules.yaml"), rulesYaml);
      Path cfg = dir.resolve("sluice.yaml");
      Files.writeString(cfg, configYaml);
      return new TestServer(dir, SluiceServer.start(ServerConfig.load(cfg, name -> null)
          .withPort(0)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TestServer start(Path dir, String rulesYaml) {
    return start(dir, "rules: {reload-interval: 50ms}\n", rulesYaml);
  }

  /** A response: status, headers, body as JSON (null when not JSON). */
  record Res(int status, java.net.http.HttpHeaders headers, String text) {
    JsonNode json() {
      try {
        return JSON.readTree(text);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  Res get(String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
  }

  Res post(String path, String body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  Res put(String path, String body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  Res delete(String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), headers);
  }

  Res check(String body) {
    return post("/rate-limit/check", body);
  }

  static Res send(HttpRequest.Builder b, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Res(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The value of the sample of {@code name} whose labels include all {@code labels}, or 0. */
  double metric(String name, String... labels) {
    for (String line : get("/metrics").text().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        boolean all = true;
        for (String l : labels) {
          all &= line.contains(l);
        }
        if (all) {
          return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return 0;
  }

  @Override
  public void close() {
    server.close();
  }
}
