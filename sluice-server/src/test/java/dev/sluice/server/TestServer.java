package dev.sluice.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.rules.config.ConfigException;
import dev.sluice.server.config.ServerConfig;
import dev.sluice.testkit.TestHttp;
import dev.sluice.testkit.TestHttp.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * A real server on a free loopback port, configured from YAML text written to a temporary
 * folder, and a real HTTP client to talk to it.
 */
final class TestServer implements AutoCloseable {
  static final ObjectMapper JSON = TestHttp.JSON;

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

  /**
   * Validates {@code yaml} as a configuration file in {@code dir} would be, beside an empty rules
   * file.
   *
   * @throws ConfigException naming every wrong key
   */
  static ServerConfig parse(Path dir, String yaml, Function<String, String> env)
      throws IOException {
    Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    return ServerConfig.parse(new ObjectMapper(new YAMLFactory()).readTree(yaml), dir, env);
  }

  static TestServer start(Path dir, String rulesYaml) {
    return start(dir, "rules: {reload-interval: 50ms}\n", rulesYaml);
  }

  Answer get(String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
  }

  Answer post(String path, String body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  Answer put(String path, String body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  Answer delete(String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), headers);
  }

  Answer check(String body) {
    return post("/rate-limit/check", body);
  }

  static Answer send(HttpRequest.Builder b, String... headers) {
    return TestHttp.send(b, Duration.ofSeconds(30), headers);
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
