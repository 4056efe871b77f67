package dev.sluice.frontend.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.rules.Violation;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Error responses as RFC 9457 problem details ({@code application/problem+json}). Every error the
 * service returns goes through here: the body says what was wrong in words and, for invalid
 * documents, lists every bad field as {@code errors[] {path, pointer, detail}}. No exception text
 * or stack trace is ever put into a response.
 */
public final class Problem {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "https://sluice.dev/problems/";

  private Problem() {}

  /** Sends a problem with {@code status}, a type slug, a title and a detail. */
  public static void send(HttpServerResponse res, int status, String type, String title,
      String detail) {
    send(res, status, body(status, type, title, detail, List.of()));
  }

  /** Sends a 400 listing every violation. */
  public static void invalid(HttpServerResponse res, String title, List<Violation> violations) {
    send(res, 400, body(400, "invalid-request", title,
        violations.size() + " invalid field" + (violations.size() == 1 ? "" : "s")
            + "; see errors", violations));
  }

  /** The problem document, for a problem inside another document (a batch item's error). */
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

  /** Sends {@code body}, a problem document, unless the response is already ended or closed. */
  public static void send(HttpServerResponse res, int status, ObjectNode body) {
    if (res.ended() || res.closed()) {
      return;
    }
    res.setStatusCode(status).putHeader("Content-Type", "application/problem+json")
        .putHeader("Cache-Control", "no-store").end(body.toString());
  }
}
