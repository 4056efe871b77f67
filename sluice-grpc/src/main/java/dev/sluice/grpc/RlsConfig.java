package dev.sluice.grpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How an {@link RlsServer} listens and behaves. Immutable; build with {@link #builder()} or read
 * the {@code rls:} section of {@code sluice.yaml} with {@link #fromMap(Map, Path)}.
 *
 * @param host the address to bind, such as {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port the TCP port, {@code 0..65535}; 0 picks a free one ({@link RlsServer#port()})
 * @param configDir the directory of ERL domain files ({@code *.yaml}, one domain per file)
 * @param reloadInterval how often the directory is checked for changes; {@link Duration#ZERO}
 *     turns hot reload off
 * @param nearLimitRatio ERL's near-limit ratio: hits past {@code floor(limit * ratio)} count as
 *     {@code near_limit}; in {@code (0, 1]}, default 0.8
 * @param responseHeaders whether responses carry {@code response_headers_to_add}: the
 *     X-RateLimit-* headers (draft-03) and the IETF RateLimit / RateLimit-Policy headers
 * @param allOrNothing true (default): a request over the limit on any descriptor consumes
 *     nothing on its others; false: ERL's count-everything behaviour
 * @param maxMessageBytes the largest request accepted, in bytes; larger ones are answered
 *     INVALID_ARGUMENT
 * @param tls the {@code rls.tls} block (a listener: mutual TLS with {@code client-auth:
 *     required}, as Envoy's {@code envoy_grpc} with a client certificate), or null for plaintext
 */
public record RlsConfig(String host, int port, Path configDir, Duration reloadInterval,
    double nearLimitRatio, boolean responseHeaders, boolean allOrNothing, int maxMessageBytes,
    TlsSettings tls) {

  /** Default of {@link #reloadInterval()}: one second. */
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(1);
  /** Default of {@link #nearLimitRatio()}, as ERL's {@code NEAR_LIMIT_RATIO}. */
  public static final double DEFAULT_NEAR_LIMIT_RATIO = 0.8;
  /** Default of {@link #maxMessageBytes()}: 64 KiB, far above any request Envoy sends. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

  private static final Set<String> KEYS = Set.of("host", "port", "config-dir", "reload-interval",
      "near-limit-ratio", "response-headers", "all-or-nothing", "max-message-size", "tls");

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public RlsConfig {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("rls host '" + host + "' must not be blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("rls port " + port + " must be in 0..65535");
    }
    if (configDir == null) {
      throw new IllegalArgumentException("rls config-dir must be set");
    }
    if (reloadInterval == null || reloadInterval.isNegative()) {
      throw new IllegalArgumentException("rls reload-interval " + reloadInterval
          + " must be >= 0");
    }
    if (!(nearLimitRatio > 0 && nearLimitRatio <= 1)) {
      throw new IllegalArgumentException("rls near-limit-ratio " + nearLimitRatio
          + " must be in (0, 1]");
    }
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("rls max-message-size " + maxMessageBytes
          + " bytes must be >= 1024");
    }
  }

  /** A builder with the defaults: 127.0.0.1, port 8081, all-or-nothing, no headers. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the {@code rls:} section of {@code sluice.yaml} as parsed to maps and scalars. Keys:
   * {@code host}, {@code port}, {@code config-dir} (relative to the directory of
   * {@code configFile}), {@code reload-interval} ({@code 1s}, {@code 500ms}; {@code 0} for
   * none), {@code near-limit-ratio}, {@code response-headers}, {@code all-or-nothing},
   * {@code max-message-size} (bytes).
   *
   * @param section the section's keys and values
   * @param configFile the file the section came from, for relative paths and messages
   * @throws IllegalArgumentException listing every bad key, each with its path ({@code rls.port})
   */
  public static RlsConfig fromMap(Map<String, ?> section, Path configFile) {
    List<String> problems = new ArrayList<>();
    Path base = configFile == null || configFile.toAbsolutePath().getParent() == null
        ? Path.of("") : configFile.toAbsolutePath().getParent();
    RlsConfig o = read(section, base, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException((configFile == null ? "" : configFile + ": ")
          + String.join("; ", problems));
    }
    return o;
  }

  /**
   * As {@link #fromMap}, adding each problem (as {@code rls.<key>: why}) to {@code problems}
   * instead of throwing; relative paths resolve against {@code baseDir}.
   *
   * @return the options, or null when a problem was found
   */
  public static RlsConfig read(Map<String, ?> section, Path baseDir, List<String> problems) {
    int before = problems.size();
    Builder b = builder();
    for (String k : new TreeSet<>(section.keySet())) {
      if (!KEYS.contains(k)) {
        problems.add("rls." + k + ": unknown key; allowed: " + new TreeSet<>(KEYS));
      }
    }
    Object v;
    if ((v = section.get("host")) != null) {
      if (v instanceof String s && !s.isBlank()) {
        b.host(s);
      } else {
        problems.add("rls.host: '" + v + "' is not a host name or address");
      }
    }
    if ((v = section.get("port")) != null) {
      if (v instanceof Integer p && p >= 0 && p <= 65_535) {
        b.port(p);
      } else {
        problems.add("rls.port: '" + v + "' is not a port in 0..65535");
      }
    }
    v = section.get("config-dir");
    if (v instanceof String s && !s.isBlank()) {
      b.configDir(baseDir.resolve(s).normalize());
    } else {
      problems.add("rls.config-dir: " + (v == null ? "missing" : "'" + v + "' is not a path"));
    }
    if ((v = section.get("reload-interval")) != null) {
      Duration d = "0".equals(String.valueOf(v)) ? Duration.ZERO
          : ErlConfigParser.parseWindow(String.valueOf(v));
      if (d == null) {
        problems.add("rls.reload-interval: '" + v + "' is not a duration such as 1s or 500ms");
      } else {
        b.reloadInterval(d);
      }
    }
    if ((v = section.get("near-limit-ratio")) != null) {
      if (v instanceof Number n && n.doubleValue() > 0 && n.doubleValue() <= 1) {
        b.nearLimitRatio(n.doubleValue());
      } else {
        problems.add("rls.near-limit-ratio: '" + v + "' is not a number in (0, 1]");
      }
    }
    if ((v = section.get("response-headers")) != null) {
      if (v instanceof Boolean x) {
        b.responseHeaders(x);
      } else {
        problems.add("rls.response-headers: '" + v + "' is not true or false");
      }
    }
    if ((v = section.get("all-or-nothing")) != null) {
      if (v instanceof Boolean x) {
        b.allOrNothing(x);
      } else {
        problems.add("rls.all-or-nothing: '" + v + "' is not true or false");
      }
    }
    if ((v = section.get("max-message-size")) != null) {
      if (v instanceof Integer n && n >= 1024) {
        b.maxMessageBytes(n);
      } else {
        problems.add("rls.max-message-size: '" + v + "' is not a byte count >= 1024");
      }
    }
    if ((v = section.get("tls")) != null) {
      // The block is read as every listener's is, with its problems keyed rls.tls.*.
      ConfigNode rls = ConfigNode.root(new ObjectMapper().valueToTree(Map.of("rls",
          Map.of("tls", v))), problems, System::getenv).section("rls");
      if (v instanceof Map<?, ?>) {
        b.tls(TlsSettings.read(rls.section("tls"), baseDir, TlsSettings.Role.SERVER));
      } else {
        problems.add("rls.tls: must be a section (a map of keys)");
      }
    }
    return problems.size() > before ? null : b.build();
  }

  /** Builds {@link RlsConfig}; not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8081;
    private Path configDir;
    private Duration reloadInterval = DEFAULT_RELOAD_INTERVAL;
    private double nearLimitRatio = DEFAULT_NEAR_LIMIT_RATIO;
    private boolean responseHeaders;
    private boolean allOrNothing = true;
    private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private TlsSettings tls;

    private Builder() {
    }

    /** The address to bind. */
    public Builder host(String value) {
      this.host = value;
      return this;
    }

    /** The port; 0 for any free one. */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    /** The directory of ERL domain files. */
    public Builder configDir(Path value) {
      this.configDir = value;
      return this;
    }

    /** How often to look for changed files; zero for never. */
    public Builder reloadInterval(Duration value) {
      this.reloadInterval = value;
      return this;
    }

    /** ERL's near-limit ratio, in (0, 1]. */
    public Builder nearLimitRatio(double value) {
      this.nearLimitRatio = value;
      return this;
    }

    /** Whether responses carry rate-limit headers for Envoy to add. */
    public Builder responseHeaders(boolean value) {
      this.responseHeaders = value;
      return this;
    }

    /** True for all-or-nothing across descriptors, false for ERL's count-everything. */
    public Builder allOrNothing(boolean value) {
      this.allOrNothing = value;
      return this;
    }

    /** The largest request accepted, in bytes. */
    public Builder maxMessageBytes(int value) {
      this.maxMessageBytes = value;
      return this;
    }

    /** The listener's TLS settings; null for plaintext. */
    public Builder tls(TlsSettings value) {
      this.tls = value;
      return this;
    }

    /**
     * The options.
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public RlsConfig build() {
      return new RlsConfig(host, port, configDir, reloadInterval, nearLimitRatio,
          responseHeaders, allOrNothing, maxMessageBytes, tls);
    }
  }
}
