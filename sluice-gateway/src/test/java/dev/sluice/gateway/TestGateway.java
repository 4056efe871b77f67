package dev.sluice.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.TestHttp;
import dev.sluice.testkit.TestHttp.Answer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real gateway on free loopback ports, configured from YAML written to a folder (the
 * {@code gateway} section's port and admin port are forced to 0), with a real HTTP client.
 */
final class TestGateway implements AutoCloseable {
  static final ObjectMapper JSON = TestHttp.JSON;
  static final HttpClient HTTP = TestHttp.CLIENT;

  final Path dir;
  final Path file;
  final SluiceGateway gateway;
  final String base;

  private TestGateway(Path dir, Path file, SluiceGateway gateway) {
    this.dir = dir;
    this.file = file;
    this.gateway = gateway;
    this.base = "http://127.0.0.1:" + gateway.port();
  }

  /** A gateway with this config and rules file. */
  static TestGateway start(Path dir, String configYaml, String rulesYaml) {
    try {
      Files.writeString(dir.resolve("rules.yaml"), rulesYaml);
      Path cfg = dir.resolve("gateway.yaml");
      Files.writeString(cfg, configYaml);
      GatewayConfig c = GatewayConfig.load(cfg, name -> null).withPorts(0, 0);
      return new TestGateway(dir, cfg, SluiceGateway.start(c, cfg));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Answer get(String path, String... headers) {
    return TestHttp.send(HttpRequest.newBuilder(URI.create(base + path)).GET(),
        Duration.ofSeconds(20), headers);
  }

  /**
   * A gateway sending every path to upstream {@code api} over hosts {@code a} and {@code b}, with
   * no rules; {@code upstreamKeys} are the upstream's other keys as YAML ({@code lb},
   * {@code health-check}, {@code outlier}, ...).
   */
  static TestGateway twoHosts(Path dir, TestUpstream a, TestUpstream b, String upstreamKeys) {
    return start(dir, """
        gateway:
          routes: [{match: {path: "/**"}, upstream: api}]
          upstreams:
            api:
              hosts: [{url: "%s"}, {url: "%s"}]
        """.formatted(a.url(), b.url()) + upstreamKeys.indent(6), "rules: []\n");
  }

  /** The gateway's listening port. */
  int port() {
    return gateway.port();
  }

  /** Sends raw bytes on a new connection and returns everything read until it closes. */
  String raw(String request) {
    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The admin listener's /metrics. */
  String metrics() {
    return TestHttp.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + gateway.adminPort() + "/metrics")), Duration.ofSeconds(20)).text();
  }

  /** The value of one sample line of /metrics ({@code name{labels}}), NaN when absent. */
  double metric(String nameAndLabels) {
    for (String line : metrics().lines().toList()) {
      if (line.startsWith(nameAndLabels + " ")) {
        return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  @Override
  public void close() {
    gateway.close();
  }
}
