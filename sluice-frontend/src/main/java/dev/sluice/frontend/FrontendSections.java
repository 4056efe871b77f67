package dev.sluice.frontend;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.rules.config.ConfigException;
import dev.sluice.rules.config.ConfigNode;
import dev.sluice.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * How every front end reads its configuration file: the document, its top level, and the keys
 * each listener section has alike.
 *
 * <p>Stateless and thread-safe.
 */
public final class FrontendSections {
  private FrontendSections() {}

  /** Validates a parsed document (the file's folder, the environment) into a configuration. */
  @FunctionalInterface
  public interface Parser<C> {
    /**
     * Validates {@code root}.
     *
     * @throws ConfigException naming every wrong key and why
     */
    C parse(JsonNode root, Path baseDir, Function<String, String> env);
  }

  /**
   * As {@link #load(Path, Function, Parser)} with this process's environment ({@code ${VAR}} in
   * the file reads it).
   *
   * @throws ConfigException naming every wrong key and why (an unreadable file included)
   */
  public static <C> C load(Path file, Parser<C> parser) {
    return load(file, System::getenv, parser);
  }

  /**
   * Reads a YAML file and validates it with {@code parser}; relative paths in it resolve against
   * its folder.
   *
   * @throws ConfigException naming every wrong key and why (an unreadable file included)
   */
  public static <C> C load(Path file, Function<String, String> env, Parser<C> parser) {
    return parser.parse(ConfigNode.readYaml(file), file.toAbsolutePath().getParent(), env);
  }

  /**
   * The top level of a document, collecting problems into {@code problems}.
   *
   * @throws ConfigException when the document is not a map of sections
   */
  public static ConfigNode top(JsonNode root, List<String> problems,
      Function<String, String> env) {
    if (root != null && !root.isNull() && !root.isObject()) {
      throw new ConfigException(List.of("(top level): must be a map of sections"));
    }
    return ConfigNode.root(root, problems, env);
  }

  /**
   * The keys every listener section has.
   *
   * @param host the address to listen on ({@code host}, default {@code 127.0.0.1})
   * @param port the port, 0 for any free one ({@code port})
   * @param drainTimeout on shutdown, how long requests in flight may take to finish
   *     ({@code drain-timeout}, default {@link FrontendRuntime.Settings#DEFAULT_DRAIN}, 0 for
   *     none)
   * @param tls the {@code tls} block, or null for plaintext
   */
  public record Listener(String host, int port, Duration drainTimeout, TlsSettings tls) {}

  /** Reads the listener keys of {@code section} (no {@code tls} block), adding problems there. */
  public static Listener listener(ConfigNode section, int defaultPort) {
    return new Listener(section.string("host", "127.0.0.1"),
        section.integer("port", defaultPort, 0, 65535),
        section.duration("drain-timeout", FrontendRuntime.Settings.DEFAULT_DRAIN, Duration.ZERO),
        null);
  }

  /**
   * Reads the listener keys of {@code section} and its optional {@code tls} block
   * ({@link #tls}), adding problems there.
   */
  public static Listener listener(ConfigNode section, int defaultPort, Path baseDir) {
    Listener plain = listener(section, defaultPort);
    return new Listener(plain.host(), plain.port(), plain.drainTimeout(), tls(section, baseDir));
  }

  /**
   * Reads the optional {@code tls} block of a listener section ({@link TlsSettings#read}):
   * relative paths resolve against {@code baseDir}; the files are checked now, so a missing
   * file, a key that does not match its certificate or an expired certificate is a problem of
   * the configuration naming the key, the file and the reason.
   *
   * @return the settings, or null when the block is absent or has problems (recorded)
   */
  public static TlsSettings tls(ConfigNode section, Path baseDir) {
    if (!section.has("tls")) {
      return null;
    }
    return TlsSettings.read(section.section("tls"), baseDir, TlsSettings.Role.SERVER);
  }
}
