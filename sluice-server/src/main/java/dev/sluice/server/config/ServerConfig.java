package dev.sluice.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.server.engine.EngineFactory;
import dev.sluice.server.engine.Engines;
import dev.sluice.server.identity.TrustedProxies;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * @param adminToken the bearer token of the rules API, or null for none
 * @param allowOpenRulesApi start even with no token on a non-loopback address
 * @param engine the engine to build
 * @param rules where rules live
 * @param identity how clients are identified
 */
public record ServerConfig(String host, int port, int maxBodyBytes, int maxBatch,
    int maxKeyLength, String adminToken, boolean allowOpenRulesApi, EngineFactory.Spec engine,
    Rules rules, Identity identity) {

  /** Shortest admin token accepted. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /**
   * Where rules live.
   *
   * @param store {@code file} or {@code postgres}
   * @param file the YAML rules file ({@code file} store), resolved against the config file
   * @param reloadInterval how often the file is checked for changes
   * @param maxRules most rules in a set
   * @param postgres the database ({@code postgres} store), or null
   */
  public record Rules(String store, Path file, Duration reloadInterval, int maxRules,
      Postgres postgres) {}

  /**
   * The PostgreSQL rule store.
   *
   * @param url JDBC URL
   * @param user user name
   * @param password password
   * @param pollInterval how often each instance looks for a change: the bound on propagation
   * @param poolSize connections per instance
   */
  public record Postgres(String url, String user, String password, Duration pollInterval,
      int poolSize) {}

  /**
   * Client identification.
   *
   * @param apiKeyHeader header carrying the API key
   * @param userIdHeader header carrying the authenticated user id (set by a gateway)
   * @param orgIdHeader header carrying the organisation id (set by a gateway)
   * @param trustedProxies addresses whose forwarding headers are believed
   * @param userHeadersFromAnyone believe user/org headers from any peer
   */
  public record Identity(String apiKeyHeader, String userIdHeader, String orgIdHeader,
      TrustedProxies trustedProxies, boolean userHeadersFromAnyone) {}

  /** Reads and validates a YAML file; relative paths in it resolve against its folder. */
  public static ServerConfig load(Path file) {
    return load(file, System::getenv);
  }

  /**
   * As {@link #load(Path)} with the given environment.
   *
   * @throws ConfigException naming every wrong key and why
   */
  public static ServerConfig load(Path file, Function<String, String> env) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (JacksonException e) {
      throw new ConfigException(List.of(file + ": not valid YAML: "
          + e.getOriginalMessage().lines().findFirst().orElse("")
          + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "")));
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot be read: " + e));
    }
    return parse(root, file.toAbsolutePath().getParent(), env);
  }

  /** Validates a parsed document. */
  public static ServerConfig parse(JsonNode root, Path baseDir, Function<String, String> env) {
    List<String> problems = new ArrayList<>();
    if (root != null && !root.isNull() && !root.isObject()) {
      throw new ConfigException(List.of("(top level): must be a map of sections"));
    }
    ConfigNode top = new ConfigNode(root == null || root.isNull() ? null : root, "", problems,
        env);

    ConfigNode server = top.section("server");
    String host = server.string("host", "127.0.0.1");
    int port = server.integer("port", 8080, 0, 65535);
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

    ConfigNode engineNode = top.section("engine");
    String type = engineNode.string("type", "in-memory");
    EngineFactory factory = Engines.forType(type);
    EngineFactory.Spec engine = null;
    if (factory == null) {
      engineNode.problem("type", "'" + type + "' is not an engine; known: " + Engines.types());
    } else {
      engine = factory.read(engineNode);
      engineNode.finish();
    }

    ConfigNode rulesNode = top.section("rules");
    String store = rulesNode.choice("store", "file", List.of("file", "postgres"));
    String fileName = rulesNode.string("file", "rules.yaml");
    Path rulesFile = baseDir.resolve(fileName).normalize();
    Duration reload = rulesNode.duration("reload-interval", Duration.ofSeconds(1),
        Duration.ofMillis(10));
    int maxRules = rulesNode.integer("max-rules", 1000, 1, 100_000);
    Postgres pg = null;
    ConfigNode pgNode = rulesNode.section("postgres");
    if ("postgres".equals(store)) {
      String url = pgNode.string("url", null);
      if (url == null || !url.startsWith("jdbc:postgresql:")) {
        pgNode.problem("url", (url == null ? "is required" : "'" + url + "' is not")
            + " a JDBC URL of the form jdbc:postgresql://host:5432/db");
      }
      pg = new Postgres(url, pgNode.string("user", null), pgNode.string("password", null),
          pgNode.duration("poll-interval", Duration.ofSeconds(1), Duration.ofMillis(10)),
          pgNode.integer("pool-size", 4, 1, 64));
    } else if (rulesNode.has("postgres")) {
      pgNode.string("url", null);
      pgNode.string("user", null);
      pgNode.string("password", null);
      pgNode.string("poll-interval", null);
      pgNode.string("pool-size", null);
    }
    pgNode.finish();
    rulesNode.finish();
    if ("file".equals(store) && !Files.isRegularFile(rulesFile)) {
      rulesNode.problem("file", "'" + rulesFile + "' does not exist or is not a file");
    }

    ConfigNode id = top.section("identity");
    String apiKey = id.string("api-key-header", "X-API-Key");
    String user = id.string("user-id-header", "X-User-Id");
    String org = id.string("org-id-header", "X-Org-Id");
    TrustedProxies trusted = TrustedProxies.none();
    try {
      trusted = TrustedProxies.parse(id.strings("trusted-proxies"));
    } catch (IllegalArgumentException e) {
      id.problem("trusted-proxies", e.getMessage());
    }
    boolean fromAnyone = id.bool("user-headers-from-anyone", false);
    id.finish();
    top.finish();

    if (token == null && !allowOpen && !isLoopback(host)) {
      problems.add("admin.token: the rules API would be open to anyone on the non-loopback "
          + "address " + host + "; set admin.token (or admin.allow-open-rules-api: true to "
          + "accept that)");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ServerConfig(host, port, maxBody, maxBatch, maxKey, token, allowOpen, engine,
        new Rules(store, rulesFile, reload, maxRules, pg),
        new Identity(apiKey, user, org, trusted, fromAnyone));
  }

  /** This configuration listening on another port (tests and the CLI's --port). */
  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, maxBodyBytes, maxBatch, maxKeyLength, adminToken,
        allowOpenRulesApi, engine, rules, identity);
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
