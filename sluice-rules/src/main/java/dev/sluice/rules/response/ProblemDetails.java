package dev.sluice.rules.response;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Decision;
import dev.sluice.rules.Violation;
import dev.sluice.rules.decide.Outcome;
import java.util.List;

/**
 * RFC 9457 problem documents ({@code application/problem+json}) as every front end sends them:
 * the body says what was wrong in words and, for invalid documents, lists every bad field as
 * {@code errors[] {path, pointer, detail}}. No exception text or stack trace ever goes in.
 *
 * <p>Thread-safe.
 */
public final class ProblemDetails {
  /** The media type of a problem document. */
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "https://sluice.dev/problems/";

  private ProblemDetails() {}

  /** The problem document of {@code status}, a type slug, a title, a detail and violations. */
  public static ObjectNode body(int status, String type, String title, String detail,
      List<Violation> violations) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", BASE + type);
    o.put("title", title);
    o.put("status", status);
    if (detail != null) {
      o.put("detail", detail);
    }
    if (!violations.isEmpty()) {
      ArrayNode errors = o.putArray("errors");
      for (Violation v : violations) {
        errors.addObject().put("path", v.path()).put("pointer", v.pointer())
            .put("detail", v.detail());
      }
    }
    return o;
  }

  /**
   * The 429 of a denied request, naming the rule and, when waiting helps, the wait in seconds.
   *
   * @param outcome a denial ({@link Outcome#allowed()} false)
   */
  public static ObjectNode tooManyRequests(Outcome outcome) {
    Decision d = outcome.decision();
    String retry = d != null && d.retryAfterMicros() != Decision.NEVER
        ? "; retry after " + RateLimitFields.retryAfterSeconds(d.retryAfterMicros()) + " s"
        : "";
    return body(429, "rate-limited", "Too Many Requests", "rule '" + outcome.rule().id()
        + "' allows no more requests now" + retry, List.of());
  }

  /** The 503 sent when the engine could not decide. */
  public static ObjectNode backendUnavailable() {
    return body(503, "backend-unavailable", "Service Unavailable",
        "the rate-limit backend could not decide; retry later", List.of());
  }
}
