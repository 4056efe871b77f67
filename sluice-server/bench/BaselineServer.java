import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The baseline of docs/benchmarks.md ("HTTP service"): a JDK HttpServer on virtual threads that reads the
 * request body and answers a constant JSON decision. Run: java BaselineServer.java PORT
 */
public class BaselineServer {
  public static void main(String[] args) throws Exception {
    byte[] body = ("{\"allowed\":true,\"rule_id\":\"bench\",\"limit\":1000000000,"
        + "\"remaining\":999999999,\"reset_at\":1795323830,\"retry_after\":0,\"limit_index\":0}")
        .getBytes(StandardCharsets.UTF_8);
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1",
        Integer.parseInt(args[0])), 1024);
    s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    s.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    s.start();
    System.out.println("baseline listening on " + args[0]);
  }
}
