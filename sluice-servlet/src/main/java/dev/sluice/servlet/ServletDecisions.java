package dev.sluice.servlet;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.decide.Outcome;
import dev.sluice.rules.decide.RuleBook;
import dev.sluice.rules.decide.ScopeKeys;
import dev.sluice.rules.identity.ClientIdentity;
import dev.sluice.rules.response.ProblemDetails;
import dev.sluice.rules.response.RateLimitFields;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The pipeline's steps on a servlet request and response, for every servlet-based integration
 * (the filter, the Spring starter): who is asking, which rule governs the request, the
 * decision, and the answer. Identity, matching, deciding and the header values all happen in
 * {@code sluice-rules}; this class only reads the request and writes the response.
 *
 * <p>Thread-safe.
 */
public final class ServletDecisions {
  private ServletDecisions() {}

  /**
   * The client of {@code req} as the pipeline's identity configuration says: the socket peer,
   * or the forwarded client when the peer is a trusted proxy; the API key and user headers.
   */
  public static ClientIdentity identify(Pipeline pipeline, HttpServletRequest req) {
    return pipeline.identifier().identify(req.getRemoteAddr(), req::getHeader, null, null);
  }

  /** The request's path inside the application (the context path removed), as rules match it. */
  public static String path(HttpServletRequest req) {
    String uri = req.getRequestURI();
    String ctx = req.getContextPath();
    return ctx != null && !ctx.isEmpty() && uri.startsWith(ctx) ? uri.substring(ctx.length())
        : uri;
  }

  /**
   * Matches {@code req} to a rule and decides it at cost 1, blocking the request's thread on a
   * remote engine until decided (servlet request threads are allowed to block).
   *
   * @throws RuntimeException if the engine fails (answer with {@link #backendFailure})
   */
  public static Outcome decide(Pipeline pipeline, HttpServletRequest req) {
    RuleBook book = pipeline.book();
    String method = req.getMethod();
    String path = path(req);
    RuleDefinition rule = book.match(method, path, req::getHeader);
    if (rule == null) {
      return book.decideBlocking(null, null, 1);
    }
    ScopeKeys keys = new ScopeKeys(identify(pipeline, req), method + " " + path);
    return book.decideBlocking(rule, keys, 1);
  }

  /** Adds the rate-limit headers of {@code outcome} (none when no rule decided). */
  public static void addHeaders(Pipeline pipeline, HttpServletResponse res, Outcome outcome) {
    RateLimitFields.write(outcome, pipeline.engine().timeSource().nowMicros(),
        (field, value) -> res.addHeader(field.header(), value));
  }

  /** Answers a denial: 429, the rate-limit headers and the problem document. */
  public static void deny(Pipeline pipeline, HttpServletResponse res, Outcome outcome)
      throws IOException {
    addHeaders(pipeline, res, outcome);
    send(res, 429, ProblemDetails.tooManyRequests(outcome).toString());
  }

  /** Answers a request the engine could not decide: 503 with the problem document. */
  public static void backendFailure(HttpServletResponse res) throws IOException {
    send(res, 503, ProblemDetails.backendUnavailable().toString());
  }

  private static void send(HttpServletResponse res, int status, String body) throws IOException {
    if (res.isCommitted()) {
      return;
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    res.setStatus(status);
    res.setContentType(ProblemDetails.CONTENT_TYPE);
    res.setHeader("Cache-Control", "no-store");
    res.setContentLength(bytes.length);
    res.getOutputStream().write(bytes);
  }
}
