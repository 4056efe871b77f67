package dev.sluice.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Algorithm;
import dev.sluice.Limit;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON (and YAML) form of a rule set, both ways. Parsing validates the whole document and
 * reports every bad field, never only the first, so a caller fixes a document in one round.
 *
 * <pre>{@code
 * {"rules": [{"id": "api_default", "priority": 0, "shadow": false,
 *             "match": {"path": "/api/**", "method": ["GET", "POST"], "headers": {"x-tier": "free"}},
 *             "limits": [{"window": "1s", "max": 10, "algorithm": "token-bucket", "burst": 20,
 *                         "scope": "client"}]}]}
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class RuleSetCodec {
  /** Longest rule id: the seed schema's {@code name VARCHAR(100)}. */
  public static final int MAX_ID_LENGTH = 100;
  /** Longest path glob: the seed schema's {@code match_path VARCHAR(200)}. */
  public static final int MAX_PATH_LENGTH = 200;
  /** Most header conditions in one match. */
  public static final int MAX_HEADERS = 16;
  /** The algorithm of a limit that names none. */
  public static final Algorithm DEFAULT_ALGORITHM = Algorithm.SLIDING_WINDOW_COUNTER;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]+");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(us|ms|s|m|h|d)");
  private static final Set<String> RULE_KEYS =
      Set.of("id", "match", "limits", "priority", "shadow");
  private static final Set<String> MATCH_KEYS = Set.of("path", "method", "headers");
  private static final Set<String> LIMIT_KEYS =
      Set.of("window", "max", "algorithm", "burst", "scope");

  private RuleSetCodec() {}

  /** The outcome of parsing: a rule set, or every violation found. */
  public sealed interface Parsed {}

  /** A valid document. */
  public record Valid(RuleSet ruleSet) implements Parsed {}

  /** An invalid document and all that is wrong with it, in document order. */
  public record Invalid(List<Violation> violations) implements Parsed {}

  /**
   * Parses and validates {@code {"rules": [...]}}.
   *
   * @param maxRules the most rules a set may hold
   */
  public static Parsed parse(JsonNode root, int maxRules) {
    List<Violation> v = new ArrayList<>();
    List<RuleDefinition> rules = new ArrayList<>();
    if (root == null || !root.isObject()) {
      v.add(new Violation("$", "must be an object {\"rules\": [...]}"));
      return new Invalid(v);
    }
    unknownKeys(root, Set.of("rules"), "$", v);
    JsonNode arr = root.get("rules");
    if (arr == null || !arr.isArray()) {
      v.add(new Violation("$.rules", "is required and must be an array of rules"));
      return new Invalid(v);
    }
    if (arr.size() > maxRules) {
      v.add(new Violation("$.rules", arr.size() + " rules exceed the maximum of " + maxRules));
      return new Invalid(v);
    }
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < arr.size(); i++) {
      RuleDefinition r = parseRule(arr.get(i), "$.rules[" + i + "]", v);
      if (r != null) {
        if (!ids.add(r.id())) {
          v.add(new Violation("$.rules[" + i + "].id", "duplicate rule id '" + r.id() + "'"));
        }
        rules.add(r);
      }
    }
    return v.isEmpty() ? new Valid(withEtag(rules)) : new Invalid(v);
  }

  /**
   * Parses one rule (the body of {@code PUT /rate-limits/rules/{id}}).
   *
   * @param expectedId the id from the URL; the body may omit {@code id} or must repeat it
   */
  public static Object parseOne(JsonNode node, String expectedId, List<Violation> v) {
    if (node != null && node.isObject() && !node.has("id")) {
      ((ObjectNode) node).put("id", expectedId);
    }
    RuleDefinition r = parseRule(node, "$", v);
    if (r != null && !r.id().equals(expectedId)) {
      v.add(new Violation("$.id", "'" + r.id() + "' differs from the id in the URL '"
          + expectedId + "'"));
    }
    return v.isEmpty() ? r : null;
  }

  private static RuleDefinition parseRule(JsonNode n, String at, List<Violation> v) {
    if (n == null || !n.isObject()) {
      v.add(new Violation(at, "must be an object"));
      return null;
    }
    int before = v.size();
    unknownKeys(n, RULE_KEYS, at, v);
    String id = null;
    JsonNode idNode = n.get("id");
    if (idNode == null || !idNode.isTextual()) {
      v.add(new Violation(at + ".id", "is required and must be a string"));
    } else {
      id = idNode.asText();
      if (id.isEmpty() || id.length() > MAX_ID_LENGTH || !ID.matcher(id).matches()) {
        v.add(new Violation(at + ".id", "'" + abbreviate(id) + "' must be 1 to " + MAX_ID_LENGTH
            + " characters of letters, digits, '_', '-', '.', ':'"));
      }
    }
    int priority = 0;
    JsonNode p = n.get("priority");
    if (p != null) {
      if (!p.isInt()) {
        v.add(new Violation(at + ".priority", "'" + abbreviate(p.toString())
            + "' must be a 32-bit integer"));
      } else {
        priority = p.intValue();
      }
    }
    boolean shadow = false;
    JsonNode s = n.get("shadow");
    if (s != null) {
      if (!s.isBoolean()) {
        v.add(new Violation(at + ".shadow", "'" + abbreviate(s.toString())
            + "' must be true or false"));
      } else {
        shadow = s.booleanValue();
      }
    }
    Match match = parseMatch(n.get("match"), at + ".match", v);
    List<LimitDefinition> limits = new ArrayList<>();
    JsonNode ls = n.get("limits");
    if (ls == null || !ls.isArray() || ls.isEmpty()) {
      v.add(new Violation(at + ".limits", "is required and must be a non-empty array"));
    } else if (ls.size() > dev.sluice.Rule.MAX_LIMITS) {
      v.add(new Violation(at + ".limits", ls.size() + " limits exceed the maximum of "
          + dev.sluice.Rule.MAX_LIMITS));
    } else {
      for (int i = 0; i < ls.size(); i++) {
        LimitDefinition l = parseLimit(ls.get(i), at + ".limits[" + i + "]", v);
        if (l != null) {
          limits.add(l);
        }
      }
    }
    if (v.size() > before) {
      return null;
    }
    return new RuleDefinition(id, match, limits, priority, shadow);
  }

  private static Match parseMatch(JsonNode n, String at, List<Violation> v) {
    if (n == null) {
      return Match.ANY;
    }
    if (!n.isObject()) {
      v.add(new Violation(at, "must be an object with path, method, headers"));
      return null;
    }
    unknownKeys(n, MATCH_KEYS, at, v);
    String path = "/**";
    JsonNode p = n.get("path");
    if (p != null) {
      if (!p.isTextual() || p.asText().isEmpty() || p.asText().length() > MAX_PATH_LENGTH
          || !(p.asText().startsWith("/") || p.asText().startsWith("*"))) {
        v.add(new Violation(at + ".path", "'" + abbreviate(p.asText(p.toString()))
            + "' must be a glob of at most " + MAX_PATH_LENGTH
            + " characters starting with '/' or '*'"));
      } else {
        path = p.asText();
      }
    }
    List<String> methods = new ArrayList<>();
    JsonNode m = n.get("method");
    if (m != null) {
      List<JsonNode> items = new ArrayList<>();
      if (m.isArray()) {
        m.forEach(items::add);
      } else {
        items.add(m);
      }
      for (int i = 0; i < items.size(); i++) {
        JsonNode it = items.get(i);
        String where = m.isArray() ? at + ".method[" + i + "]" : at + ".method";
        if (!it.isTextual() || !TOKEN.matcher(it.asText()).matches()
            || it.asText().length() > 20) {
          v.add(new Violation(where, "'" + abbreviate(it.asText(it.toString()))
              + "' must be an HTTP method name such as GET"));
        } else if (!it.asText().equals("*")) {
          methods.add(it.asText().toUpperCase(Locale.ROOT));
        }
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = n.get("headers");
    if (h != null) {
      if (!h.isObject()) {
        v.add(new Violation(at + ".headers", "must be an object of header name to value glob"));
      } else if (h.size() > MAX_HEADERS) {
        v.add(new Violation(at + ".headers", h.size() + " headers exceed the maximum of "
            + MAX_HEADERS));
      } else {
        for (Map.Entry<String, JsonNode> e : h.properties()) {
          String where = at + ".headers." + e.getKey();
          if (!TOKEN.matcher(e.getKey()).matches()) {
            v.add(new Violation(where, "'" + abbreviate(e.getKey())
                + "' is not a valid header name"));
          } else if (!e.getValue().isTextual() || e.getValue().asText().length() > 256) {
            v.add(new Violation(where, "must be a string of at most 256 characters"));
          } else {
            headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText());
          }
        }
      }
    }
    return new Match(path, methods, headers);
  }

  private static LimitDefinition parseLimit(JsonNode n, String at, List<Violation> v) {
    if (n == null || !n.isObject()) {
      v.add(new Violation(at, "must be an object with window and max"));
      return null;
    }
    int before = v.size();
    unknownKeys(n, LIMIT_KEYS, at, v);
    Duration window = null;
    JsonNode w = n.get("window");
    if (w == null) {
      v.add(new Violation(at + ".window", "is required, e.g. \"1s\", \"1m\", \"1h\", \"1d\""));
    } else {
      try {
        window = parseDuration(w.isIntegralNumber() ? w.asText() + "s" : w.asText(""));
      } catch (IllegalArgumentException e) {
        v.add(new Violation(at + ".window", e.getMessage()));
      }
    }
    long max = -1;
    JsonNode m = n.get("max");
    if (m == null || !m.isIntegralNumber() || !m.canConvertToLong() || m.longValue() < 0
        || m.longValue() > Limit.MAX_PERMITS) {
      v.add(new Violation(at + ".max", (m == null ? "is required and" : "'"
          + abbreviate(m.toString()) + "'") + " must be an integer in [0, "
          + Limit.MAX_PERMITS + "]"));
    } else {
      max = m.longValue();
    }
    Algorithm algorithm = DEFAULT_ALGORITHM;
    JsonNode a = n.get("algorithm");
    if (a != null) {
      try {
        algorithm = Algorithm.parse(a.isTextual() ? a.asText() : a.toString());
      } catch (IllegalArgumentException e) {
        v.add(new Violation(at + ".algorithm", e.getMessage()));
      }
    }
    Long burst = null;
    JsonNode b = n.get("burst");
    if (b != null) {
      if (!b.isIntegralNumber() || !b.canConvertToLong() || b.longValue() < 1) {
        v.add(new Violation(at + ".burst", "'" + abbreviate(b.toString())
            + "' must be an integer >= 1"));
      } else {
        burst = b.longValue();
      }
    }
    Scope scope = Scope.CLIENT;
    JsonNode sc = n.get("scope");
    if (sc != null) {
      scope = sc.isTextual() ? Scope.parse(sc.asText()) : null;
      if (scope == null) {
        v.add(new Violation(at + ".scope", "'" + abbreviate(sc.asText(sc.toString()))
            + "' must be one of client, user, org, endpoint, global"));
      }
    }
    if (v.size() > before) {
      return null;
    }
    try {
      Limit limit = Limit.of(algorithm, max, window);
      if (burst != null) {
        limit = limit.withBurst(burst);
      }
      return new LimitDefinition(limit, scope);
    } catch (IllegalArgumentException e) {
      String field = e.getMessage().startsWith("burst") ? ".burst"
          : e.getMessage().startsWith("window") ? ".window" : ".max";
      v.add(new Violation(at + field, e.getMessage()));
      return null;
    }
  }

  /**
   * Parses a duration: {@code 1s}, {@code 1m}, {@code 1h}, {@code 1d}, {@code 250ms},
   * {@code 100us}, concatenations such as {@code 1m30s}, or ISO-8601 ({@code PT1M}).
   *
   * @throws IllegalArgumentException naming the value
   */
  public static Duration parseDuration(String text) {
    String t = text == null ? "" : text.trim();
    if (t.startsWith("P") || t.startsWith("p")) {
      try {
        return Duration.parse(t);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("'" + abbreviate(t) + "' is not an ISO-8601 duration");
      }
    }
    var m = DURATION_PART.matcher(t);
    long micros = 0;
    int pos = 0;
    while (pos < t.length() && m.find(pos) && m.start() == pos) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
          case "us" -> 1L;
          case "ms" -> 1_000L;
          case "s" -> 1_000_000L;
          case "m" -> 60_000_000L;
          case "h" -> 3_600_000_000L;
          default -> 86_400_000_000L;
        };
        micros = Math.addExact(micros, Math.multiplyExact(n, unit));
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("'" + abbreviate(t) + "' is too long a duration");
      }
      pos = m.end();
    }
    if (t.isEmpty() || pos != t.length()) {
      throw new IllegalArgumentException("'" + abbreviate(t) + "' is not a duration: use a "
          + "number and a unit (us, ms, s, m, h, d), e.g. \"1s\", \"1m\", \"1h\", \"1d\"");
    }
    if (micros == 0) {
      throw new IllegalArgumentException("'" + t + "' must be positive");
    }
    return Duration.ofNanos(Math.multiplyExact(micros, 1_000L));
  }

  /** The shortest form {@link #parseDuration} reads back: {@code 1h}, {@code 90s}, {@code 5ms}. */
  public static String formatDuration(Duration d) {
    long us = d.toNanos() / 1_000;
    long[] units = {86_400_000_000L, 3_600_000_000L, 60_000_000L, 1_000_000L, 1_000L, 1L};
    String[] names = {"d", "h", "m", "s", "ms", "us"};
    for (int i = 0; i < units.length; i++) {
      if (us % units[i] == 0) {
        return (us / units[i]) + names[i];
      }
    }
    return us + "us";
  }

  /** The canonical JSON of a set: what GET returns and what the entity tag is computed from. */
  public static ObjectNode write(RuleSet set) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode arr = root.putArray("rules");
    for (RuleDefinition r : set.rules()) {
      arr.add(write(r));
    }
    return root;
  }

  /** The canonical JSON of one rule. */
  public static ObjectNode write(RuleDefinition r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", r.id());
    o.put("priority", r.priority());
    o.put("shadow", r.shadow());
    ObjectNode m = o.putObject("match");
    m.put("path", r.match().path());
    ArrayNode methods = m.putArray("method");
    r.match().methods().forEach(methods::add);
    ObjectNode h = m.putObject("headers");
    r.match().headers().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> h.put(e.getKey(), e.getValue()));
    ArrayNode ls = o.putArray("limits");
    for (LimitDefinition ld : r.limits()) {
      ObjectNode l = ls.addObject();
      l.put("window", formatDuration(ld.limit().window()));
      l.put("max", ld.limit().permits());
      l.put("algorithm", ld.limit().algorithm().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      if (ld.limit().algorithm() == Algorithm.TOKEN_BUCKET
          || ld.limit().algorithm() == Algorithm.GCRA) {
        l.put("burst", ld.limit().burst());
      }
      l.put("scope", ld.scope().jsonName());
    }
    return o;
  }

  /** A set of these rules tagged with the hash of their canonical form. */
  public static RuleSet withEtag(List<RuleDefinition> rules) {
    RuleSet untagged = new RuleSet(rules, "");
    byte[] canonical = write(untagged).toString().getBytes(StandardCharsets.UTF_8);
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical);
      return new RuleSet(rules, "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static void unknownKeys(JsonNode n, Set<String> known, String at, List<Violation> v) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        v.add(new Violation(at + "." + k, "unknown field; expected one of "
            + new java.util.TreeSet<>(known)));
      }
    }
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "null";
    }
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
