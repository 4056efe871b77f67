package dev.sluice.server.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice check}: asks a running server whether a request is allowed. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"Asks a running Sluice server for a decision and prints it.",
        "Either --rule and --client (a check by id), or --path with optional --method, "
            + "--header and --ip (the server identifies the client and matches the rule)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:allowed", "1:denied (429)", "2:error"})
public final class CheckCommand implements Callable<Integer> {
  /** The command; picocli sets its options. */
  public CheckCommand() {}

  @Spec
  CommandSpec spec;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080",
      description = "The server (default: ${DEFAULT-VALUE}).")
  URI url;

  @Option(names = {"-r", "--rule"}, description = "The rule id.")
  String rule;

  @Option(names = "--client", description = "The client id.")
  String client;

  @Option(names = "--cost", defaultValue = "1", description = "Permits the request takes.")
  long cost;

  @Option(names = "--method", description = "The request method (with --path).")
  String method;

  @Option(names = "--path", description = "The request path: the server matches the rule.")
  String path;

  @Option(names = {"-H", "--header"}, paramLabel = "NAME=VALUE",
      description = "A request header (repeatable).")
  Map<String, String> headers = new LinkedHashMap<>();

  @Option(names = "--ip", description = "The client address as the gateway saw it.")
  String ip;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (client == null && path == null) {
      err.println("sluice check: give --rule and --client, or --path (see --help)");
      return 2;
    }
    StringBuilder body = new StringBuilder("{");
    field(body, "rule_id", rule);
    field(body, "client_id", client);
    field(body, "method", method);
    field(body, "path", path);
    field(body, "client_ip", ip);
    if (!headers.isEmpty()) {
      body.append(body.length() > 1 ? "," : "").append("\"headers\":{");
      int i = 0;
      for (var e : headers.entrySet()) {
        body.append(i++ > 0 ? "," : "").append(quote(e.getKey())).append(':')
            .append(quote(e.getValue()));
      }
      body.append('}');
    }
    body.append(body.length() > 1 ? "," : "").append("\"cost\":").append(cost).append('}');
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .build()) {
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(url.resolve(
          "/rate-limit/check")).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
          HttpResponse.BodyHandlers.ofString());
      out.println("HTTP " + res.statusCode());
      res.headers().map().forEach((k, v) -> {
        if (k.toLowerCase().startsWith("x-ratelimit") || k.toLowerCase().startsWith("ratelimit")
            || k.equalsIgnoreCase("retry-after")) {
          out.println(k + ": " + String.join(", ", v));
        }
      });
      out.println(res.body());
      return res.statusCode() == 200 ? 0 : res.statusCode() == 429 ? 1 : 2;
    } catch (java.io.IOException e) {
      err.println("sluice check: cannot reach " + url + ": " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 2;
    }
  }

  private static void field(StringBuilder sb, String name, String value) {
    if (value != null) {
      sb.append(sb.length() > 1 ? "," : "").append('"').append(name).append("\":")
          .append(quote(value));
    }
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
