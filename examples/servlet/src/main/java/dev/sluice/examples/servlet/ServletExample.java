package dev.sluice.examples.servlet;

import dev.sluice.servlet.SluiceFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * An embedded Jetty answering "ok" to every path, with {@link SluiceFilter} in front of
 * {@code /*} configured from a {@code sluice.yaml}.
 *
 * <p>Arguments: {@code [sluice.yaml] [port] [--bare]}; {@code --bare} leaves the filter out, to
 * compare the container's throughput with and without it.
 */
public final class ServletExample {
  private ServletExample() {}

  public static void main(String[] args) throws Exception {
    String config = args.length > 0 ? args[0] : "config/sluice.yaml";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
    boolean bare = args.length > 2 && args[2].equals("--bare");
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler ctx = new ServletContextHandler();
    ctx.setContextPath("/");
    ctx.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void service(HttpServletRequest req, HttpServletResponse res)
          throws IOException {
        res.setContentType("text/plain");
        res.getWriter().write("ok\n");
      }
    }), "/*");
    if (!bare) {
      FilterHolder sluice = new FilterHolder(SluiceFilter.class);
      sluice.setInitParameter(SluiceFilter.CONFIG_PARAM, config);
      ctx.addFilter(sluice, "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    server.setHandler(ctx);
    server.start();
    System.out.println("listening on http://127.0.0.1:" + connector.getLocalPort()
        + (bare ? " (no filter)" : " with " + config));
    server.join();
  }
}
