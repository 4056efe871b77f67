package dev.sluice.frontend.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.rules.Violation;
import dev.sluice.rules.response.ProblemDetails;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Sends RFC 9457 problem details ({@code application/problem+json}, built by
 * {@link ProblemDetails}) on a Vert.x response. Every error the service returns goes through
 * here. No exception text or stack trace is ever put into a response.
 */
public final class Problem {

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
    return ProblemDetails.body(status, type, title, detail, violations);
  }

  /** Sends {@code body}, a problem document, unless the response is already ended or closed. */
  public static void send(HttpServerResponse res, int status, ObjectNode body) {
    if (res.ended() || res.closed()) {
      return;
    }
    res.setStatusCode(status).putHeader("Content-Type", ProblemDetails.CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store").end(body.toString());
  }
}
