package dev.sluice.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.rules.Pipeline;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filter in a real Jetty 12 container, asked over real HTTP, on the rules of
 * {@code config/rules.yaml} (the service's example file, unchanged).
 */
class SluiceFilterTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Path RULES = Path.of("../config/rules.yaml").toAbsolutePath().normalize();

  @TempDir static Path dir;
  private static final java.util.List<Server> SERVERS = new java.util.ArrayList<>();
  private static String base;

  /** Answers 200 "ok" to everything. */
  static final class Ok extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
      res.setContentType("text/plain");
      res.getWriter().write("ok");
    }
  }

  static Path sluiceYaml(String name, String engine) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, "server: {port: 9999}\n" // the service's sections are left alone
        + "engine:\n" + engine
        + "rules:\n  file: " + RULES + "\n  reload-interval: 1s\n"
        + "identity:\n  trusted-proxies: [127.0.0.1, '::1']\n");
    return f;
  }

  static String start(String contextPath, Filter filter, String configFile) throws Exception {
    Server server = new Server();
    ServerConnector c = new ServerConnector(server);
    c.setHost("127.0.0.1");
    c.setPort(0);
    server.addConnector(c);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.setContextPath(contextPath);
    ctx.addServlet(new ServletHolder(new Ok()), "/*");
    FilterHolder holder = filter != null ? new FilterHolder(filter)
        : new FilterHolder(SluiceFilter.class);
    if (configFile != null) {
      holder.setInitParameter(SluiceFilter.CONFIG_PARAM, configFile);
    }
    ctx.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
    server.setHandler(ctx);
    server.start();
    SERVERS.add(server);
    return "http://127.0.0.1:" + c.getLocalPort() + (contextPath.equals("/") ? "" : contextPath);
  }

  @BeforeAll
  static void startJetty() throws Exception {
    base = start("/app", null,
        sluiceYaml("sluice.yaml", "  type: in-memory\n").toString());
  }

  @AfterAll
  static void stopJetty() throws Exception {
    for (Server s : SERVERS) {
      s.stop();
    }
  }

  static HttpResponse<String> send(String method, String url, String... headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void admitsWithHeadersThenAnswers429WithEveryHeaderAndTheProblem() throws Exception {
    // auth_strict: POST /api/auth/**, 5 a minute and 20 an hour, per client.
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> ok = send("POST", base + "/api/auth/login", "X-API-Key", "k-one");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("ok");
      assertThat(ok.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
      assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).hasValue("" + (4 - i));
      assertThat(ok.headers().firstValue("RateLimit-Policy"))
          .hasValue("\"auth_strict.0\";q=5;w=60, \"auth_strict.1\";q=20;w=3600");
    }
    HttpResponse<String> denied = send("POST", base + "/api/auth/login", "X-API-Key", "k-one");
    assertThat(denied.statusCode()).isEqualTo(429);
    assertThat(denied.headers().firstValue("Content-Type"))
        .hasValue("application/problem+json");
    assertThat(denied.body()).contains("\"type\":\"https://sluice.dev/problems/rate-limited\"")
        .contains("\"status\":429").contains("rule 'auth_strict'");
    assertThat(denied.headers().firstValue("X-RateLimit-Limit")).hasValue("5");
    assertThat(denied.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
    assertThat(denied.headers().firstValue("X-RateLimit-Reset")).isPresent();
    long retry = Long.parseLong(denied.headers().firstValue("Retry-After").orElseThrow());
    assertThat(retry).isBetween(1L, 3600L);
    assertThat(denied.headers().firstValue("RateLimit").orElseThrow())
        .startsWith("\"auth_strict.0\";r=0;t=");
    assertThat(denied.headers().firstValue("RateLimit-Policy")).isPresent();

    // Another API key is another client; a request no rule governs passes without headers.
    assertThat(send("POST", base + "/api/auth/login", "X-API-Key", "k-two").statusCode())
        .isEqualTo(200);
    HttpResponse<String> free = send("GET", base + "/health");
    assertThat(free.statusCode()).isEqualTo(200);
    assertThat(free.headers().firstValue("X-RateLimit-Limit")).isEmpty();
  }

  @Test
  void identifiesTheForwardedClientBehindATrustedProxy() throws Exception {
    String xff = "X-Forwarded-For";
    for (int i = 0; i < 5; i++) {
      assertThat(send("POST", base + "/api/auth/x", xff, "203.0.113.7").statusCode())
          .isEqualTo(200);
    }
    assertThat(send("POST", base + "/api/auth/x", xff, "203.0.113.7").statusCode())
        .isEqualTo(429);
    // The peer (127.0.0.1) is trusted: the forwarded address is the client, so another one
    // has its own budget.
    assertThat(send("POST", base + "/api/auth/x", xff, "203.0.113.8").statusCode())
        .isEqualTo(200);
  }

  @Test
  void aProgrammaticPipelineOnARealRedisServer() throws Exception {
    try (RedisProcess redis = RedisServers.standalone();
        Pipeline pipeline = SluiceYaml.start(sluiceYaml("redis.yaml",
            "  type: redis\n  uri: " + redis.uri() + "\n  command-timeout: 5s\n"))) {
      String url = start("/", new SluiceFilter(pipeline), null);
      for (int i = 0; i < 5; i++) {
        assertThat(send("POST", url + "/api/auth/login").statusCode()).isEqualTo(200);
      }
      HttpResponse<String> denied = send("POST", url + "/api/auth/login");
      assertThat(denied.statusCode()).isEqualTo(429);
      assertThat(denied.headers().firstValue("Retry-After")).isPresent();
    }
  }

  @Test
  void aBadConfigurationFailsNamingTheKey() throws Exception {
    Path bad = sluiceYaml("bad.yaml", "  type: nonsense\n");
    assertThatThrownBy(() -> SluiceYaml.read(bad))
        .hasMessageContaining("engine.type").hasMessageContaining("nonsense");
    assertThatThrownBy(() -> new SluiceFilter().init(new jakarta.servlet.FilterConfig() {
      @Override
      public String getFilterName() {
        return "sluice";
      }

      @Override
      public jakarta.servlet.ServletContext getServletContext() {
        return null;
      }

      @Override
      public String getInitParameter(String name) {
        return bad.toString();
      }

      @Override
      public java.util.Enumeration<String> getInitParameterNames() {
        return java.util.Collections.emptyEnumeration();
      }
    })).hasMessageContaining("engine.type");
  }
}
