package dev.sluice.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code sluice serve --config FILE --port 0} as its own JVM on this test's class path, as a user
 * runs it, with {@code SLUICE_STATE_DIR} pointed at a test folder. Closing it stops the process.
 */
final class ServeProcess implements AutoCloseable {
  private final Process process;
  private final Map<String, String> addresses;

  private ServeProcess(Process process, Map<String, String> addresses) {
    this.process = process;
    this.addresses = addresses;
  }

  /**
   * Starts the service and reads its output until each listener has printed
   * {@code "<listener> listening on <address>"}.
   *
   * @param listeners the listeners to wait for, e.g. {@code Sluice}, {@code Envoy RLS}
   * @throws AssertionError (with the output) when the process ends before they all listen
   */
  static ServeProcess start(Path config, Path stateDir, String... listeners) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.sluice.cli.SluiceCommand", "serve", "--config", config.toString(), "--port", "0")
        .redirectErrorStream(true);
    pb.environment().put("SLUICE_STATE_DIR", stateDir.toString());
    Process p = pb.start();
    ServeProcess started = new ServeProcess(p, new LinkedHashMap<>());
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String line;
      while (started.addresses.size() < listeners.length && (line = r.readLine()) != null) {
        lines.add(line);
        for (String listener : listeners) {
          String prefix = listener + " listening on ";
          if (line.startsWith(prefix)) {
            started.addresses.put(listener, line.substring(prefix.length()).split(" ")[0]);
          }
        }
      }
      if (started.addresses.size() < listeners.length) {
        throw new AssertionError("not all of " + List.of(listeners) + " listen:\n"
            + String.join("\n", lines));
      }
      return started;
    } catch (IOException | RuntimeException | Error e) {
      started.close();
      throw e;
    }
  }

  /** The address {@code listener} printed (a URL for {@code Sluice}, host:port for the RLS). */
  String address(String listener) {
    return addresses.get(listener);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
