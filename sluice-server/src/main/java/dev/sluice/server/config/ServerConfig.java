package dev.sluice.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.frontend.FrontendSections;
import dev.sluice.frontend.ServeExtension;
import dev.sluice.frontend.StatsConfig;
import dev.sluice.rules.config.ConfigException;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.rules.config.PipelineConfig;
import dev.sluice.tls.TlsSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The service configuration, immutable once read. See {@code config/sluice.yaml} for every key
 * with its default and meaning.
 *
 * @param host the address to listen on
 * @param port the port, 0 for any free one
 * @param maxBodyBytes largest request body; larger gets 413
 * @param maxBatch most checks in one batch request
 * @param maxKeyLength longest client id, rule id or header value used as a key
 * @param drainTimeout on shutdown, how long requests in flight may take to finish
 * @param adminToken the bearer token of the rules API, or null for none
 * @param allowOpenRulesApi start even with no token on a non-loopback address
 * @param pipeline the engine, the rule store and client identity (the sections every front end
 *     shares)
 * @param extensions the other front ends to run beside the HTTP API ({@link ServeExtension})
 * @param stats the per-rule traffic statistics ({@code stats} section)
 * @param tls the listener's {@code server.tls} block (the HTTP API, the console and the metrics
 *     share the port), or null for plaintext
 */
public record ServerConfig(String host, int port, int maxBodyBytes, int maxBatch,
    int maxKeyLength, Duration drainTimeout, String adminToken, boolean allowOpenRulesApi,
    PipelineConfig pipeline, List<ServeExtension.Starter> extensions, StatsConfig stats,
    TlsSettings tls) {

  /** Shortest admin token accepted. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** Reads and validates a YAML file; relative paths in it resolve against its folder. */
  public static ServerConfig load(Path file) {
    return FrontendSections.load(file, ServerConfig::parse);
  }

  /**
   * As {@link #load(Path)} with the given environment.
   *
   * @throws ConfigException naming every wrong key and why
   */
  public static ServerConfig load(Path file, Function<String, String> env) {
    return FrontendSections.load(file, env, ServerConfig::parse);
  }

  /** Validates a parsed document. */
  public static ServerConfig parse(JsonNode root, Path baseDir, Function<String, String> env) {
    List<String> problems = new ArrayList<>();
    ConfigNode top = FrontendSections.top(root, problems, env);

    ConfigNode server = top.section("server");
    FrontendSections.Listener listener = FrontendSections.listener(server, 8080, baseDir);
    String host = listener.host();
    int maxBody = server.integer("max-body-bytes", 1 << 20, 256, 64 << 20);
    int maxBatch = server.integer("max-batch", 10_000, 1, 1_000_000);
    int maxKey = server.integer("max-key-length", 256, 16, 4096);
    server.finish();

    ConfigNode admin = top.section("admin");
    String token = admin.string("token", null);
    if (token != null && token.isEmpty()) {
      token = null;
    }
    if (token != null && token.length() < MIN_TOKEN_LENGTH) {
      admin.problem("token", "is " + token.length() + " characters; use at least "
          + MIN_TOKEN_LENGTH + " (e.g. openssl rand -hex 32)");
    }
    boolean allowOpen = admin.bool("allow-open-rules-api", false);
    admin.finish();

    PipelineConfig pipeline = PipelineConfig.read(top, baseDir);
    StatsConfig stats = StatsConfig.read(top);
    List<ServeExtension.Starter> extensions = new ArrayList<>();
    for (ServeExtension e : ServiceLoader.load(ServeExtension.class)) {
      top.section(e.section()); // known: the extension validates its keys
      ServeExtension.Starter s = e.read(root == null ? null : root.get(e.section()), baseDir,
          problems);
      if (s != null) {
        extensions.add(s);
      }
    }
    top.finish();

    if (token == null && !allowOpen && !isLoopback(host)) {
      problems.add("admin.token: the rules API would be open to anyone on the non-loopback "
          + "address " + host + "; set admin.token (or admin.allow-open-rules-api: true to "
          + "accept that)");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ServerConfig(host, listener.port(), maxBody, maxBatch, maxKey,
        listener.drainTimeout(), token, allowOpen, pipeline,
        List.copyOf(extensions), stats, listener.tls());
  }

  /** This configuration listening on another port (tests and the CLI's --port). */
  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, maxBodyBytes, maxBatch, maxKeyLength, drainTimeout,
        adminToken, allowOpenRulesApi, pipeline, extensions, stats, tls);
  }

  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
