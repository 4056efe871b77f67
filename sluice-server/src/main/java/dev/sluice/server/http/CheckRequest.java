package dev.sluice.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sluice.Limit;
import dev.sluice.rules.Violation;
import dev.sluice.rules.identity.IpAddresses;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One check as posted to {@code /rate-limit/check}, in one of two forms:
 *
 * <ul>
 *   <li>by id: {@code {"client_id": "user123", "rule_id": "api_default", "cost": 1}};
 *   <li>by request attributes: {@code {"method": "GET", "path": "/api/x", "headers": {...},
 *       "client_ip": "203.0.113.7"}}: the service identifies the client and matches the rule.
 * </ul>
 *
 * <p>The forms mix: {@code rule_id} with attributes forces the rule, {@code client_id} with a
 * path matches the rule for a known client. Optional {@code user_id} and {@code org_id} name the
 * user and organisation for hierarchical limits when the caller has authenticated them.
 *
 * <p>Parsed with a streaming parser (the hot path); every bad field is reported.
 *
 * @param headers lower-case names; repeated headers joined with {@code ", "}
 */
record CheckRequest(String ruleId, String clientId, long cost, String method, String path,
    Map<String, String> headers, String clientIp, String userId, String orgId) {

  static final int MAX_HEADERS = 64;

  /** The header by lower-case name, or null. */
  String header(String lowerName) {
    return headers == null ? null : headers.get(lowerName);
  }

  /**
   * Reads one check object; the parser is on its START_OBJECT and is left on its END_OBJECT.
   * Returns null (and records violations under {@code at}) when it is invalid.
   */
  static CheckRequest read(JsonParser p, String at, int maxKey, List<Violation> v)
      throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      v.add(new Violation(at, "must be an object"));
      p.skipChildren();
      return null;
    }
    int before = v.size();
    String ruleId = null;
    String clientId = null;
    long cost = 1;
    String method = null;
    String path = null;
    Map<String, String> headers = null;
    String clientIp = null;
    String userId = null;
    String orgId = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken t = p.nextToken();
      switch (f) {
        case "rule_id" -> ruleId = string(p, t, at, f, maxKey, v);
        case "client_id" -> clientId = string(p, t, at, f, maxKey, v);
        case "method" -> method = string(p, t, at, f, 20, v);
        case "path" -> path = string(p, t, at, f, 4096, v);
        case "client_ip" -> clientIp = string(p, t, at, f, 64, v);
        case "user_id" -> userId = string(p, t, at, f, maxKey, v);
        case "org_id" -> orgId = string(p, t, at, f, maxKey, v);
        case "cost" -> {
          if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType
              .BIG_INTEGER && p.getLongValue() >= 1 && p.getLongValue() <= Limit.MAX_PERMITS) {
            cost = p.getLongValue();
          } else {
            v.add(new Violation(at + ".cost", "'" + text(p) + "' must be an integer in [1, "
                + Limit.MAX_PERMITS + "]"));
            p.skipChildren();
          }
        }
        case "headers" -> headers = headers(p, t, at + ".headers", maxKey, v);
        default -> {
          v.add(new Violation(at + "." + f, "unknown field; expected client_id, rule_id, cost, "
              + "method, path, headers, client_ip, user_id, org_id"));
          p.skipChildren();
        }
      }
    }
    if (clientId == null && path == null && v.size() == before) {
      v.add(new Violation(at, "needs client_id and rule_id, or the request attributes "
          + "method and path"));
    }
    if (clientId != null && ruleId == null && path == null && v.size() == before) {
      v.add(new Violation(at + ".rule_id", "is required with client_id (or give method and "
          + "path to match the rule)"));
    }
    if (path != null && !path.startsWith("/") && !path.equals("*")) {
      v.add(new Violation(at + ".path", "'" + abbreviate(path) + "' must start with '/'"));
    }
    if (clientIp != null) {
      String canonical = IpAddresses.canonical(clientIp);
      if (canonical == null) {
        v.add(new Violation(at + ".client_ip", "'" + abbreviate(clientIp)
            + "' is not an IPv4 or IPv6 address"));
      }
      clientIp = canonical;
    }
    if (path != null && method == null && ruleId == null) {
      method = "GET";
    }
    if (v.size() > before) {
      return null;
    }
    if (path != null) {
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
    }
    return new CheckRequest(ruleId, clientId, cost,
        method == null ? null : method.toUpperCase(Locale.ROOT), path, headers, clientIp,
        userId, orgId);
  }

  private static String string(JsonParser p, JsonToken t, String at, String f, int max,
      List<Violation> v) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      v.add(new Violation(at + "." + f, "'" + text(p) + "' must be a string"));
      p.skipChildren();
      return null;
    }
    String s = p.getText();
    if (s.isEmpty() || s.length() > max) {
      v.add(new Violation(at + "." + f, "must be 1 to " + max + " characters, not "
          + s.length()));
      return null;
    }
    return s;
  }

  private static Map<String, String> headers(JsonParser p, JsonToken t, String at, int max,
      List<Violation> v) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      v.add(new Violation(at, "must be an object of header name to value"));
      p.skipChildren();
      return null;
    }
    Map<String, String> h = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName().toLowerCase(Locale.ROOT);
      JsonToken vt = p.nextToken();
      String value;
      if (vt == JsonToken.VALUE_STRING) {
        value = p.getText();
      } else if (vt == JsonToken.START_ARRAY) {
        StringBuilder sb = new StringBuilder();
        while (p.nextToken() == JsonToken.VALUE_STRING) {
          sb.append(sb.isEmpty() ? "" : ", ").append(p.getText());
        }
        if (p.currentToken() != JsonToken.END_ARRAY) {
          v.add(new Violation(at + "." + name, "must be a string or an array of strings"));
          p.skipChildren();
          continue;
        }
        value = sb.toString();
      } else {
        v.add(new Violation(at + "." + name, "must be a string or an array of strings"));
        p.skipChildren();
        continue;
      }
      if (value.length() > Math.max(max, 1024)) {
        v.add(new Violation(at + "." + name, "value of " + value.length()
            + " characters exceeds " + Math.max(max, 1024)));
        continue;
      }
      h.merge(name, value, (a, b) -> a + ", " + b);
      if (h.size() > MAX_HEADERS) {
        v.add(new Violation(at, "more than " + MAX_HEADERS + " headers"));
        p.skipChildren();
        return null;
      }
    }
    return h;
  }

  private static String text(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      return "{...}";
    }
    if (t == JsonToken.START_ARRAY) {
      return "[...]";
    }
    return abbreviate(p.getText());
  }

  static String abbreviate(String s) {
    return s == null ? "null" : s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
