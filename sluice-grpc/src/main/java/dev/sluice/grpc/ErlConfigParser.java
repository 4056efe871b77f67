package dev.sluice.grpc;

import dev.sluice.Algorithm;
import dev.sluice.Limit;
import dev.sluice.Rule;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads one envoyproxy/ratelimit (ERL) configuration file, validated whole: ERL's format as is,
 * plus Sluice's extensions ({@code window}, {@code algorithm}, {@code burst}, {@code rate_limits}).
 * Every error names the file, the YAML path with its line, and the reason; an error about two
 * places (a duplicate key, a duplicate descriptor) names both.
 *
 * <p>Unlike ERL, which checks key names against one flat list, each level accepts only its own
 * keys: a known key in the wrong place is an error, never ignored.
 *
 * <p>Stateless; one instance per file.
 */
final class ErlConfigParser {
  /** Seconds of each ERL unit, as ERL counts them: a month is 30 days, a year 365. */
  static final Map<RateLimit.Unit, Long> UNIT_SECONDS = Map.of(
      RateLimit.Unit.SECOND, 1L, RateLimit.Unit.MINUTE, 60L, RateLimit.Unit.HOUR, 3_600L,
      RateLimit.Unit.DAY, 86_400L, RateLimit.Unit.WEEK, 604_800L,
      RateLimit.Unit.MONTH, 2_592_000L, RateLimit.Unit.YEAR, 31_536_000L);
  /** Largest {@code requests_per_unit}: ERL's field is a uint32. */
  static final long MAX_REQUESTS_PER_UNIT = 0xFFFF_FFFFL;

  private static final Set<String> ROOT_KEYS = Set.of("domain", "descriptors");
  private static final Set<String> DESCRIPTOR_KEYS = Set.of("key", "value", "rate_limit",
      "rate_limits", "descriptors", "shadow_mode", "detailed_metric", "value_to_metric",
      "share_threshold");
  private static final Set<String> LIMIT_KEYS = Set.of("unit", "requests_per_unit", "unlimited",
      "name", "replaces", "unit_multiplier", "window", "algorithm", "burst");
  private static final Set<String> REPLACES_KEYS = Set.of("name");
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)(us|ms|s|m|h|d|w)");

  private final String fileName;
  private final Path file;

  private ErlConfigParser(Path file) {
    this.file = file;
    this.fileName = file.getFileName().toString();
  }

  /**
   * Parses the text of {@code file}.
   *
   * @throws ConfigError naming the file, the YAML path and the reason
   */
  static DomainConfig parse(Path file, String text) throws ConfigError {
    return new ErlConfigParser(file).parse(text);
  }

  private DomainConfig parse(String text) throws ConfigError {
    Node top;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(true); // reported below, naming both lines
      top = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      throw new ConfigError(fileName + ": (line " + (e.getProblemMark().getLine() + 1)
          + "): malformed YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new ConfigError(fileName + ": malformed YAML: " + e.getMessage());
    }
    if (top == null) {
      throw new ConfigError(fileName + ": the file is empty; it needs a domain");
    }
    Map<String, NodeTuple> root = mapping(top, "", ROOT_KEYS);
    NodeTuple domainTuple = root.get("domain");
    if (domainTuple == null) {
      throw error("domain", top, "config file cannot have empty domain");
    }
    String domain = scalar(domainTuple.getValueNode(), "domain");
    if (domain.isEmpty()) {
      throw error("domain", domainTuple.getValueNode(), "config file cannot have empty domain");
    }
    NodeTuple list = root.get("descriptors");
    DescriptorNode rootNode = descriptors(domain, list == null ? null : list.getValueNode(),
        "descriptors", domain, null, null, false, false, false, false, null);
    return new DomainConfig(domain, file, rootNode);
  }

  private DescriptorNode descriptors(String domain, Node listNode, String path, String statsKey,
      String key, String value, boolean shadow, boolean detailed, boolean valueToMetric,
      boolean share, LimitSpec limit) throws ConfigError {
    Map<String, DescriptorNode> children = new LinkedHashMap<>();
    Map<String, String> placeOf = new LinkedHashMap<>();
    List<DescriptorNode> wildcards = new ArrayList<>();
    if (listNode != null && !isNull(listNode)) {
      List<Node> items = sequence(listNode, path);
      for (int i = 0; i < items.size(); i++) {
        String itemPath = path + "[" + i + "]";
        DescriptorNode child = descriptor(domain, items.get(i), itemPath, statsKey);
        String composite = child.compositeKey();
        String place = itemPath + " (line " + line(items.get(i)) + ")";
        if (placeOf.containsKey(composite)) {
          throw new ConfigError(fileName + ": duplicate descriptor composite key '"
              + child.statsKey() + "' at " + place + ", first at " + placeOf.get(composite));
        }
        placeOf.put(composite, place);
        children.put(composite, child);
        if (child.wildcard() != null) {
          wildcards.add(child);
        }
      }
    }
    Pattern wildcard = value != null && value.indexOf('*') >= 0
        ? DescriptorNode.compileWildcard(key + "_" + value) : null;
    return new DescriptorNode(key, value, statsKey, limit, shadow, detailed, valueToMetric, share,
        wildcard, Map.copyOf(children), List.copyOf(wildcards));
  }

  private DescriptorNode descriptor(String domain, Node node, String path, String parentStats)
      throws ConfigError {
    Map<String, NodeTuple> map = mapping(node, path, DESCRIPTOR_KEYS);
    NodeTuple keyTuple = map.get("key");
    String key = keyTuple == null ? "" : scalar(keyTuple.getValueNode(), path + ".key");
    if (key.isEmpty()) {
      throw error(path + ".key", keyTuple == null ? node : keyTuple.getValueNode(),
          "descriptor has empty key");
    }
    NodeTuple valueTuple = map.get("value");
    String value = valueTuple == null ? "" : scalar(valueTuple.getValueNode(), path + ".value");
    if (value.isEmpty()) {
      value = null; // as in ERL: an empty value is no value
    }
    String composite = value == null ? key : key + "_" + value;
    String statsKey = parentStats + "." + composite;
    boolean shadow = bool(map, "shadow_mode", path);
    boolean detailed = bool(map, "detailed_metric", path);
    boolean valueToMetric = bool(map, "value_to_metric", path);
    boolean share = bool(map, "share_threshold", path);
    if (share && (value == null || value.indexOf('*') < 0)) {
      throw error(path + ".share_threshold", map.get("share_threshold").getValueNode(),
          "share_threshold needs a value with a '*' wildcard, not " + (value == null
              ? "no value" : "'" + value + "'"));
    }
    LimitSpec limit = null;
    NodeTuple one = map.get("rate_limit");
    NodeTuple many = map.get("rate_limits");
    if (one != null && many != null) {
      throw error(path + ".rate_limits", many.getKeyNode(), "rate_limit (line "
          + line(one.getKeyNode()) + ") and rate_limits are exclusive: use one");
    }
    if (one != null && !isNull(one.getValueNode())) {
      limit = limits(List.of(one.getValueNode()), List.of(path + ".rate_limit"), statsKey, true);
    } else if (many != null) {
      List<Node> items = sequence(many.getValueNode(), path + ".rate_limits");
      if (items.isEmpty()) {
        throw error(path + ".rate_limits", many.getValueNode(), "rate_limits must not be empty");
      }
      if (items.size() > Rule.MAX_LIMITS) {
        throw error(path + ".rate_limits", many.getValueNode(), items.size()
            + " limits; at most " + Rule.MAX_LIMITS + " are allowed");
      }
      List<String> paths = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        paths.add(path + ".rate_limits[" + i + "]");
      }
      limit = limits(items, paths, statsKey, false);
    }
    NodeTuple nested = map.get("descriptors");
    return descriptors(domain, nested == null ? null : nested.getValueNode(),
        path + ".descriptors", statsKey, key, value, shadow, detailed, valueToMetric, share, limit);
  }

  private LimitSpec limits(List<Node> nodes, List<String> paths, String statsKey,
      boolean single) throws ConfigError {
    List<Limit> limits = new ArrayList<>();
    List<RateLimit> reported = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> replaces = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      String path = paths.get(i);
      Node node = nodes.get(i);
      Map<String, NodeTuple> map = mapping(node, path, LIMIT_KEYS);
      String name = map.containsKey("name")
          ? scalar(map.get("name").getValueNode(), path + ".name") : "";
      if (!name.isEmpty()) {
        names.add(name);
      }
      if (map.containsKey("replaces")) {
        List<Node> items = sequence(map.get("replaces").getValueNode(), path + ".replaces");
        for (int r = 0; r < items.size(); r++) {
          String rpath = path + ".replaces[" + r + "]";
          Map<String, NodeTuple> rep = mapping(items.get(r), rpath, REPLACES_KEYS);
          String replaced = rep.containsKey("name")
              ? scalar(rep.get("name").getValueNode(), rpath + ".name") : "";
          if (replaced.isEmpty()) {
            throw error(rpath, items.get(r), "should not have an empty replaces entry");
          }
          if (replaced.equals(name)) {
            throw error(rpath, items.get(r), "replaces should not contain name of same descriptor");
          }
          replaces.add(replaced);
        }
      }
      boolean unlimited = bool(map, "unlimited", path);
      NodeTuple unitTuple = map.get("unit");
      NodeTuple windowTuple = map.get("window");
      if (unlimited) {
        if (!single) {
          throw error(path + ".unlimited", map.get("unlimited").getValueNode(),
              "unlimited belongs in rate_limit, not in a rate_limits list");
        }
        if (unitTuple != null && parseUnit(scalar(unitTuple.getValueNode(), path + ".unit"))
            != null) {
          throw error(path + ".unit", unitTuple.getValueNode(),
              "should not specify rate limit unit when unlimited");
        }
        if (windowTuple != null) {
          throw error(path + ".window", windowTuple.getValueNode(),
              "should not specify a window when unlimited");
        }
        return new LimitSpec(null, List.of(), names, replaces, true);
      }
      long permits = 0; // ERL: a missing requests_per_unit is 0, which denies every request
      if (map.containsKey("requests_per_unit")) {
        permits = integer(map.get("requests_per_unit").getValueNode(),
            path + ".requests_per_unit", 0, MAX_REQUESTS_PER_UNIT);
      }
      RateLimit.Unit unit;
      Duration window;
      if (unitTuple != null && windowTuple != null) {
        throw error(path + ".window", windowTuple.getKeyNode(), "unit (line "
            + line(unitTuple.getKeyNode()) + ") and window are exclusive: use one");
      } else if (windowTuple != null) {
        String text = scalar(windowTuple.getValueNode(), path + ".window");
        window = parseWindow(text);
        if (window == null) {
          throw error(path + ".window", windowTuple.getValueNode(), "invalid window '" + text
              + "': write a whole number with us, ms, s, m, h, d or w, like 10s or 1500ms");
        }
        if (map.containsKey("unit_multiplier")) {
          throw error(path + ".unit_multiplier", map.get("unit_multiplier").getKeyNode(),
              "unit_multiplier applies to unit, not to window: write the window whole");
        }
        unit = unitOf(window);
      } else {
        String text = unitTuple == null ? "" : scalar(unitTuple.getValueNode(), path + ".unit");
        unit = parseUnit(text);
        if (unit == null) {
          throw error(path + ".unit", unitTuple == null ? node : unitTuple.getValueNode(),
              "invalid rate limit unit '" + text + "'");
        }
        long multiplier = 1;
        if (map.containsKey("unit_multiplier")) {
          multiplier = integer(map.get("unit_multiplier").getValueNode(),
              path + ".unit_multiplier", 1, MAX_REQUESTS_PER_UNIT);
        }
        window = Duration.ofSeconds(UNIT_SECONDS.get(unit)).multipliedBy(multiplier);
      }
      Algorithm algorithm = Algorithm.FIXED_WINDOW;
      if (map.containsKey("algorithm")) {
        Node a = map.get("algorithm").getValueNode();
        try {
          algorithm = Algorithm.parse(scalar(a, path + ".algorithm"));
        } catch (IllegalArgumentException e) {
          throw error(path + ".algorithm", a, e.getMessage());
        }
      }
      Limit limit;
      try {
        limit = Limit.of(algorithm, permits, window);
        if (map.containsKey("burst")) {
          Node b = map.get("burst").getValueNode();
          long burst = integer(b, path + ".burst", 1, Limit.MAX_PERMITS);
          limit = limit.withBurst(burst);
        }
      } catch (IllegalArgumentException e) {
        throw error(path, node, e.getMessage());
      }
      limits.add(limit);
      RateLimit.Builder r = RateLimit.newBuilder().setRequestsPerUnit((int) permits).setUnit(unit);
      if (!name.isEmpty()) {
        r.setName(name);
      }
      reported.add(r.build());
    }
    return new LimitSpec(new Rule(ruleId("rls:", statsKey), limits), reported, names, replaces,
        false);
  }

  /** A rule id for {@code text}: the text itself, or, past the longest id, a prefix and a hash. */
  static String ruleId(String prefix, String text) {
    String id = prefix + text;
    if (id.length() <= Rule.MAX_ID_LENGTH) {
      return id;
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      String h = HexFormat.of().formatHex(hash, 0, 12);
      return id.substring(0, Rule.MAX_ID_LENGTH - h.length() - 1) + "~" + h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** ERL's unit names, case-insensitive ({@code second} … {@code year}); null when none. */
  static RateLimit.Unit parseUnit(String text) {
    for (RateLimit.Unit u : UNIT_SECONDS.keySet()) {
      if (u.name().equals(text.toUpperCase(Locale.ROOT))) {
        return u;
      }
    }
    return null;
  }

  /**
   * The unit reported for a window: the window's own unit when it is exactly one, else the
   * largest unit it is a whole multiple of, else {@code UNKNOWN} (windows under a second).
   */
  static RateLimit.Unit unitOf(Duration window) {
    RateLimit.Unit best = RateLimit.Unit.UNKNOWN;
    long bestSeconds = 0;
    if (window.getNano() != 0) {
      return best;
    }
    long s = window.getSeconds();
    for (Map.Entry<RateLimit.Unit, Long> e : UNIT_SECONDS.entrySet()) {
      if (s % e.getValue() == 0 && e.getValue() > bestSeconds) {
        best = e.getKey();
        bestSeconds = e.getValue();
      }
    }
    return best;
  }

  /** {@code 10s}, {@code 1500ms}, {@code 2h}: a whole number and a unit; null when malformed. */
  static Duration parseWindow(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches() || m.group(1).length() > 15) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "us" -> Duration.ofNanos(n * 1_000);
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
    return d.isZero() ? null : d;
  }

  private Map<String, NodeTuple> mapping(Node node, String path, Set<String> allowed)
      throws ConfigError {
    if (!(node instanceof MappingNode m)) {
      throw error(path.isEmpty() ? "(top)" : path, node,
          "expected a mapping, found " + describe(node));
    }
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String where = path.isEmpty() ? "" : path + ".";
      if (!(t.getKeyNode() instanceof ScalarNode k) || !k.getTag().equals(Tag.STR)) {
        throw error(where + "?", t.getKeyNode(),
            "config error, key is not of type string: " + describe(t.getKeyNode()));
      }
      String key = k.getValue();
      if (!allowed.contains(key)) {
        throw error(where + key, k, "config error, unknown key '" + key + "'"
            + (allowed == ROOT_KEYS ? "" : " here; allowed: " + new java.util.TreeSet<>(allowed)));
      }
      NodeTuple first = out.putIfAbsent(key, t);
      if (first != null) {
        throw error(where + key, k, "duplicate key '" + key + "', first at line "
            + line(first.getKeyNode()));
      }
    }
    return out;
  }

  private List<Node> sequence(Node node, String path) throws ConfigError {
    if (isNull(node)) {
      return List.of();
    }
    if (!(node instanceof SequenceNode s)) {
      throw error(path, node, "expected a list, found " + describe(node));
    }
    return s.getValue();
  }

  private String scalar(Node node, String path) throws ConfigError {
    if (isNull(node)) {
      return "";
    }
    if (!(node instanceof ScalarNode s)) {
      throw error(path, node, "expected a single value, found " + describe(node));
    }
    return s.getValue();
  }

  private boolean bool(Map<String, NodeTuple> map, String key, String path) throws ConfigError {
    NodeTuple t = map.get(key);
    if (t == null || isNull(t.getValueNode())) {
      return false;
    }
    Node v = t.getValueNode();
    if (!(v instanceof ScalarNode s) || !s.getTag().equals(Tag.BOOL)) {
      throw error(path + "." + key, v, "expected true or false, found " + describe(v));
    }
    return Boolean.parseBoolean(s.getValue().toLowerCase(Locale.ROOT));
  }

  private long integer(Node node, String path, long min, long max) throws ConfigError {
    if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.INT)) {
      throw error(path, node, "expected a whole number, found " + describe(node));
    }
    long v;
    try {
      v = Long.parseLong(s.getValue().replace("_", ""));
    } catch (NumberFormatException e) {
      throw error(path, node, "expected a whole number from " + min + " to " + max + ", found '"
          + s.getValue() + "'");
    }
    if (v < min || v > max) {
      throw error(path, node, v + " is out of range: expected " + min + " to " + max);
    }
    return v;
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  private static String describe(Node node) {
    if (node instanceof ScalarNode s) {
      return "'" + s.getValue() + "'";
    }
    return node instanceof SequenceNode ? "a list" : "a mapping";
  }

  private static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  private ConfigError error(String path, Node node, String reason) {
    return new ConfigError(fileName + ": " + path + " (line " + line(node) + "): " + reason);
  }
}
