package dev.sluice.server.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;

/** The JSON reading and writing every route of the API shares. Stateless and thread-safe. */
final class HttpJson {
  /** Request bodies: nesting and string length bounded, whatever the body limit. */
  static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
          .maxStringLength(1 << 20).build()).build();
  static final String JSON_TYPE = "application/json";

  private HttpJson() {}

  /** The bytes of a body; none for a missing one. */
  static byte[] bytes(Buffer b) {
    return b == null ? new byte[0] : b.getBytes();
  }

  static void send(HttpServerResponse res, int status, String body) {
    res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(body);
  }

  static void send(HttpServerResponse res, int status, Buffer body) {
    res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(body);
  }

  /** The first line of a parse error, without the parser's location dump. */
  static String firstLine(IOException e) {
    String m = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
    m = m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse("");
    return CheckRequest.abbreviate(m);
  }
}
