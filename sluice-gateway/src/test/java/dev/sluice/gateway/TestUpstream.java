package dev.sluice.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real upstream HTTP server (the JDK's) on a loopback port: answers {@code /healthz} with a
 * settable status, {@code /download?bytes=N} with N bytes, {@code /status/N} with status N, and
 * anything else with JSON naming itself, the body bytes it read and the headers it got. It can
 * be killed and brought back on the same port.
 */
final class TestUpstream implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final String id;
  final AtomicInteger hits = new AtomicInteger();
  final AtomicInteger healthChecks = new AtomicInteger();
  volatile int healthStatus = 200;
  volatile long delayMillis;
  private final ExecutorService pool = Executors.newFixedThreadPool(16, r -> {
    Thread t = new Thread(r, "upstream");
    t.setDaemon(true);
    return t;
  });
  private int port;
  private HttpServer server;

  private TestUpstream(String id) {
    this.id = id;
  }

  /** An upstream on a free port. */
  static TestUpstream start(String id) {
    TestUpstream u = new TestUpstream(id);
    u.bind(0);
    return u;
  }

  int port() {
    return port;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Stops listening at once; connections are dropped. */
  synchronized void kill() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Listens again on the same port. */
  synchronized void revive() {
    if (server == null) {
      bind(port);
    }
  }

  private synchronized void bind(int p) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
    port = server.getAddress().getPort();
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      if (path.equals("/healthz")) {
        healthChecks.incrementAndGet();
        x.sendResponseHeaders(healthStatus, -1);
        return;
      }
      hits.incrementAndGet();
      long bytes = 0;
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = x.getRequestBody()) {
        for (int n; (n = in.read(buf)) > 0; ) {
          bytes += n;
        }
      }
      if (delayMillis > 0) {
        try {
          Thread.sleep(delayMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      x.getResponseHeaders().add("X-Upstream", id);
      x.getResponseHeaders().add("Connection", "X-Upstream-Private");
      x.getResponseHeaders().add("X-Upstream-Private", "hop-by-hop");
      if (path.startsWith("/status/")) {
        x.sendResponseHeaders(Integer.parseInt(path.substring(8)), -1);
        return;
      }
      if (path.equals("/download")) {
        long n = Long.parseLong(x.getRequestURI().getQuery().substring("bytes=".length()));
        x.sendResponseHeaders(200, 0); // chunked
        try (OutputStream out = x.getResponseBody()) {
          for (long left = n; left > 0; left -= buf.length) {
            out.write(buf, 0, (int) Math.min(buf.length, left));
          }
        }
        return;
      }
      ObjectNode o = JSON.createObjectNode().put("id", id).put("bytes", bytes)
          .put("method", x.getRequestMethod()).put("uri", x.getRequestURI().toString());
      ObjectNode h = o.putObject("headers");
      for (Map.Entry<String, List<String>> e : x.getRequestHeaders().entrySet()) {
        h.put(e.getKey().toLowerCase(java.util.Locale.ROOT), String.join(" | ", e.getValue()));
      }
      byte[] body = o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    kill();
    pool.shutdownNow();
  }
}
