package dev.sluice.rules.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.rules.RuleSetCodec;
import dev.sluice.spi.ConfigSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One section of the YAML configuration, read with defaults; every problem is collected with
 * its full key ({@code rules.postgres.pool-size}) instead of failing on the first, and keys no
 * reader asked for are reported as unknown by {@link #finish}. Strings may name environment
 * variables: {@code ${NAME}} or {@code ${NAME:-default}}.
 *
 * <p>Not thread-safe; used once while starting.
 */
public final class ConfigNode implements ConfigSection {
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private final JsonNode node;
  private final String prefix;
  private final List<String> problems;
  private final Function<String, String> env;
  private final Set<String> read = new HashSet<>();

  ConfigNode(JsonNode node, String prefix, List<String> problems, Function<String, String> env) {
    this.node = node;
    this.prefix = prefix;
    this.problems = problems;
    this.env = env;
  }

  /**
   * The top of a document: {@code root} (null for an empty document), problems collected in
   * {@code problems}, {@code ${NAME}} expanded from {@code env}.
   */
  public static ConfigNode root(JsonNode root, List<String> problems,
      Function<String, String> env) {
    return new ConfigNode(root == null || root.isNull() ? null : root, "", problems, env);
  }

  /**
   * Reads a YAML configuration file into a tree: the one place front ends read their file.
   *
   * @throws ConfigException naming the file and the first YAML error with its line, or why the
   *     file cannot be read
   */
  public static JsonNode readYaml(Path file) {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (JacksonException e) {
      throw new ConfigException(List.of(file + ": not valid YAML: "
          + e.getOriginalMessage().lines().findFirst().orElse("")
          + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "")));
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot be read: " + e));
    }
  }

  /** The full key of a child. */
  @Override
  public String key(String name) {
    return prefix.isEmpty() ? name : prefix + "." + name;
  }

  /** Records a problem with a child key. */
  @Override
  public void problem(String name, String why) {
    problems.add(key(name) + ": " + why);
  }

  /** Whether the child is present. */
  @Override
  public boolean has(String name) {
    return node != null && node.has(name) && !node.get(name).isNull();
  }

  /** A child section (absent: an empty one). */
  @Override
  public ConfigNode section(String name) {
    read.add(name);
    JsonNode c = node == null ? null : node.get(name);
    if (c != null && !c.isNull() && !c.isObject()) {
      problem(name, "must be a section (a map of keys)");
      c = null;
    }
    return new ConfigNode(c == null || c.isNull() ? null : c, key(name), problems, env);
  }

  /**
   * A list of sections ({@code routes: [{...}, {...}]}), each keyed {@code name[i]}; absent: an
   * empty list. An element that is not a map is reported and skipped.
   */
  public List<ConfigNode> sections(String name) {
    read.add(name);
    List<ConfigNode> out = new ArrayList<>();
    if (!has(name)) {
      return out;
    }
    JsonNode c = node.get(name);
    if (!c.isArray()) {
      problem(name, "must be a list of sections");
      return out;
    }
    for (int i = 0; i < c.size(); i++) {
      String k = key(name) + "[" + i + "]";
      if (!c.get(i).isObject()) {
        problems.add(k + ": must be a section (a map of keys)");
      } else {
        out.add(new ConfigNode(c.get(i), k, problems, env));
      }
    }
    return out;
  }

  /**
   * The keys of this section in document order, each taken as read (for sections whose keys
   * are names chosen by the user, such as {@code gateway.upstreams}).
   */
  public List<String> names() {
    List<String> out = new ArrayList<>();
    if (node != null) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        out.add(e.getKey());
      }
    }
    read.addAll(out);
    return out;
  }

  /** A string, with environment variables expanded; {@code def} when absent. */
  @Override
  public String string(String name, String def) {
    read.add(name);
    if (!has(name)) {
      return def;
    }
    JsonNode c = node.get(name);
    if (!c.isValueNode()) {
      problem(name, "must be a single value");
      return def;
    }
    return expand(name, c.asText());
  }

  /** An integer in {@code [min, max]}. */
  @Override
  public int integer(String name, int def, int min, int max) {
    return (int) longValue(name, def, min, max);
  }

  /** A long in {@code [min, max]}. */
  @Override
  public long longValue(String name, long def, long min, long max) {
    String s = string(name, null);
    if (s == null) {
      return def;
    }
    try {
      long v = Long.parseLong(s.trim());
      if (v < min || v > max) {
        problem(name, v + " must be in [" + min + ", " + max + "]");
        return def;
      }
      return v;
    } catch (NumberFormatException e) {
      problem(name, "'" + s + "' is not an integer");
      return def;
    }
  }

  /** A boolean. */
  @Override
  public boolean bool(String name, boolean def) {
    String s = string(name, null);
    if (s == null) {
      return def;
    }
    if (!s.equals("true") && !s.equals("false")) {
      problem(name, "'" + s + "' must be true or false");
      return def;
    }
    return Boolean.parseBoolean(s);
  }

  /** A duration such as {@code 1s} or {@code 250ms}, at least {@code min}. */
  @Override
  public Duration duration(String name, Duration def, Duration min) {
    String s = string(name, null);
    if (s == null) {
      return def;
    }
    try {
      Duration d = RuleSetCodec.parseDuration(s);
      if (d.compareTo(min) < 0) {
        problem(name, "'" + s + "' must be at least " + RuleSetCodec.formatDuration(min));
        return def;
      }
      return d;
    } catch (IllegalArgumentException e) {
      problem(name, e.getMessage());
      return def;
    }
  }

  /** One of {@code allowed}. */
  @Override
  public String choice(String name, String def, List<String> allowed) {
    String s = string(name, def);
    if (s != null && !allowed.contains(s)) {
      problem(name, "'" + s + "' must be one of " + allowed);
      return def;
    }
    return s;
  }

  /** A list of strings (a YAML sequence; a single string is a list of one). */
  @Override
  public List<String> strings(String name) {
    read.add(name);
    List<String> out = new ArrayList<>();
    if (!has(name)) {
      return out;
    }
    JsonNode c = node.get(name);
    if (c.isArray()) {
      for (int i = 0; i < c.size(); i++) {
        if (!c.get(i).isValueNode()) {
          problems.add(key(name) + "[" + i + "]: must be a single value");
        } else {
          out.add(expand(name, c.get(i).asText()));
        }
      }
    } else if (c.isValueNode()) {
      out.add(expand(name, c.asText()));
    } else {
      problem(name, "must be a list");
    }
    return out;
  }

  /** Reports every key of this section that no reader asked for. */
  @Override
  public void finish() {
    if (node == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String k = e.getKey();
      if (!read.contains(k)) {
        problem(k, "unknown key");
      }
    }
  }

  private String expand(String name, String value) {
    Matcher m = ENV.matcher(value);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = env.apply(m.group(1));
      if (v == null) {
        v = m.group(3);
      }
      if (v == null) {
        problem(name, "environment variable " + m.group(1) + " is not set (write ${"
            + m.group(1) + ":-default} for a default)");
        v = "";
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
