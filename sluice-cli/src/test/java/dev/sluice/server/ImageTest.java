package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OCI image ({@code bin/sluice image}) in a real container runtime, Debian's podman with runc:
 * built by the same script (reused while its inputs are unchanged), started read-only with a
 * mounted configuration and an environment variable, probed, rate limiting through it with the
 * JDK's HTTP client, then stopped with SIGTERM under load: requests in flight at the signal
 * complete, and the process exits 0 within the drain timeout.
 *
 * <p>It needs {@code target/sluice.jar}, so it runs after the package phase (the surefire
 * execution {@code image} in sluice-cli's pom). Without podman or runc it prints one line and is
 * skipped. The container is removed whatever happens; the image is kept for the next run (one per
 * inputs, the script removes older ones) unless the test failed.
 */
class ImageTest {
  private static final String IMAGE = "localhost/sluice-imagetest";
  /** What works on our machines: runc, cgroupfs, and no default ulimits (containers.conf). */
  private static final List<String> GLOBAL = List.of("--runtime", "runc", "--cgroup-manager",
      "cgroupfs");
  private static final Duration DRAIN_BOUND = Duration.ofSeconds(10);

  private static Path repo;
  private static Path work;
  private static Path containersConf;
  private static String tag;
  private static boolean passed;

  @BeforeAll
  static void buildImage() throws Exception {
    Assumptions.assumeFalse("test".equals(System.getProperty("sluice.image-test.phase")),
        "ImageTest runs after the jar is packaged (surefire execution 'image', mvn verify)");
    ExternalTools.require("podman", "podman", "ImageTest");
    ExternalTools.require("runc", "runc", "ImageTest");
    repo = ExternalTools.deploy().getParent();
    work = Files.createDirectories(Path.of("target", "image-test").toAbsolutePath());
    containersConf = work.resolve("containers.conf");
    Files.writeString(containersConf, "[containers]\ndefault_ulimits = []\n");
    Result built = exec(Duration.ofMinutes(10), Map.of("SLUICE_PODMAN_OPTS", String.join(" ",
        GLOBAL)), repo.resolve("bin/sluice").toString(), "image", "--name", IMAGE, "--print-tag");
    assertThat(built.exit).as("bin/sluice image failed:%n%s", built.err).isZero();
    List<String> lines = built.out.strip().lines().toList();
    tag = lines.get(lines.size() - 1);
    assertThat(tag).startsWith(IMAGE + ":");
  }

  @AfterAll
  static void dropImageIfFailed() throws Exception {
    if (tag != null && !passed) {
      // A failed run must not leave an image that the next run would take as good.
      podman("rmi", "-f", tag, IMAGE + ":latest");
    }
  }

  @Test
  void servesProbesChecksAndDrainsOnSigterm() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path etc = Files.createDirectories(work.resolve("etc-" + ProcessHandle.current().pid()));
    Files.writeString(etc.resolve("sluice.yaml"), """
        server: {host: 0.0.0.0, port: 8080}
        admin: {token: "${SLUICE_ADMIN_TOKEN}"}
        rules:
          file: rules.yaml
          working-copy: ${SLUICE_STATE_DIR}/rules.yaml
        """);
    Files.writeString(etc.resolve("rules.yaml"), """
        rules:
          - id: image_test
            limits: [{window: 1h, max: 5, algorithm: fixed-window}]
          - id: load
            limits: [{window: 1h, max: 1000000}]
        """);
    byte[] secret = new byte[16];
    new SecureRandom().nextBytes(secret);
    String token = HexFormat.of().formatHex(secret);
    String name = "sluice-imagetest-" + ProcessHandle.current().pid();
    String base = "http://127.0.0.1:" + port;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    try {
      Result run = podman("run", "-d", "--pull=never", "--name", name,
          "--read-only", "--tmpfs", "/var/lib/sluice:rw,U",
          "-v", etc + ":/etc/sluice:ro", "-p", "127.0.0.1:" + port + ":8080",
          "-e", "SLUICE_ADMIN_TOKEN=" + token, "-e", "JDK_JAVA_OPTIONS=-Xmx256m", tag);
      assertThat(run.exit).as("podman run: %s", run.err).isZero();
      assertThat(podman("image", "inspect", "--format", "{{.Config.User}}", tag).out.strip())
          .isEqualTo("10001:10001");

      // Probes.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      int health = -1;
      while (health != 200) {
        health = status(http, HttpRequest.newBuilder(URI.create(base + "/healthz")));
        if (health != 200) {
          if (System.nanoTime() > deadline || !running(name)) {
            fail("/healthz never answered 200 (last " + health + "); container log:\n"
                + podman("logs", name).all());
          }
          Thread.sleep(250);
        }
      }
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/readyz"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("\"ready\":true");

      // The token came from the environment, the rules from the mounted file.
      assertThat(status(http, HttpRequest.newBuilder(URI.create(base + "/rate-limits/rules"))))
          .isEqualTo(401);
      HttpResponse<String> rules = http.send(HttpRequest.newBuilder(
          URI.create(base + "/rate-limits/rules")).header("Authorization", "Bearer " + token)
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(rules.statusCode()).isEqualTo(200);
      assertThat(rules.body()).contains("image_test");

      // Rate limiting: five allowed, then denied, per client.
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        statuses.add(status(http, check(base, "alice", "image_test")));
      }
      assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 429, 429, 429);
      assertThat(status(http, check(base, "bob", "image_test"))).isEqualTo(200);

      drainsUnderLoad(name, base);
      passed = true;
    } finally {
      if (!passed) {
        System.out.println("ImageTest: container log:\n" + podman("logs", name).all());
      }
      podman("rm", "-f", "-t", "0", name);
      http.close();
    }
  }

  /**
   * SIGTERM while eight clients send checks as fast as they can and four requests are in
   * flight (their bodies trickle in over two seconds, so they are still being received when the
   * signal arrives). Every request in flight at the signal is answered; no request sent before
   * the signal failed; the process exits 0 within the drain bound.
   */
  private static void drainsUnderLoad(String name, String base) throws Exception {
    record Outcome(long startNanos, int status, Throwable failure) {}
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newCachedThreadPool();
    HttpClient fast = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpClient slow = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(pool).build();
    try {
      List<CompletableFuture<Void>> loaders = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String client = "load-" + t;
        loaders.add(CompletableFuture.runAsync(() -> {
          while (!stop.get()) {
            long start = System.nanoTime();
            try {
              int s = fast.send(check(base, client, "load").timeout(Duration.ofSeconds(30))
                  .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
              outcomes.add(new Outcome(start, s, null));
            } catch (IOException e) {
              outcomes.add(new Outcome(start, -1, e));
              sleep(20);
            } catch (InterruptedException e) {
              return;
            }
          }
        }, pool));
      }
      List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        String body = "{\"client_id\":\"slow-" + i + "\",\"rule_id\":\"load\"}";
        inFlight.add(slow.sendAsync(HttpRequest.newBuilder(URI.create(base + "/rate-limit/check"))
            .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Trickle(body, 20, 100)))
            .build(), HttpResponse.BodyHandlers.ofString()));
      }
      Thread.sleep(700);
      long signalled = System.nanoTime();
      Result kill = podman("kill", "--signal", "TERM", name);
      assertThat(kill.exit).as("podman kill: %s", kill.err).isZero();
      Result waited = exec(DRAIN_BOUND.plusSeconds(20), Map.of(), podmanCommand("wait", name));
      long exitedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
      Thread.sleep(300);
      stop.set(true);
      CompletableFuture.allOf(loaders.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      List<String> slowResults = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> f : inFlight) {
        try {
          HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
          slowResults.add(r.statusCode() + " " + r.body());
        } catch (Exception e) {
          slowResults.add("failed: " + e.getCause());
        }
      }
      List<Outcome> before = outcomes.stream().filter(o -> o.startNanos < signalled).toList();
      List<Outcome> failedBefore = before.stream().filter(o -> o.failure != null).toList();
      List<Outcome> after = outcomes.stream().filter(o -> o.startNanos >= signalled).toList();
      long refusedAfter = after.stream().filter(o -> o.failure instanceof ConnectException)
          .count();
      System.out.printf("ImageTest: drain: %d checks sent before SIGTERM (%d failed), %d after "
          + "(%d answered, %d refused, %d other failures); in flight at the signal: %s; "
          + "exited %d ms after the signal%n", before.size(), failedBefore.size(), after.size(),
          after.stream().filter(o -> o.failure == null).count(), refusedAfter,
          after.size() - refusedAfter - after.stream().filter(o -> o.failure == null).count(),
          slowResults, exitedAfterMillis);

      assertThat(before).as("checks answered before the signal").isNotEmpty();
      assertThat(slowResults).as("requests in flight at SIGTERM complete")
          .allSatisfy(r -> assertThat(r).startsWith("200 ").contains("\"allowed\":true"));
      assertThat(failedBefore).as("checks sent before SIGTERM that failed")
          .extracting(o -> String.valueOf(o.failure)).isEmpty();
      assertThat(waited.exit).as("podman wait: %s", waited.err).isZero();
      assertThat(waited.out.strip()).as("the container's exit code").isEqualTo("0");
      assertThat(exitedAfterMillis).as("ms from SIGTERM to exit")
          .isLessThan(DRAIN_BOUND.plusSeconds(5).toMillis());
    } finally {
      stop.set(true);
      pool.shutdownNow();
      fast.close();
      slow.close();
    }
  }

  /** A body that arrives slowly: {@code pad} spaces {@code millis} apart, then the JSON. */
  private static final class Trickle extends InputStream {
    private final byte[] json;
    private final long millis;
    private int pad;
    private int pos;

    Trickle(String json, int pad, long millis) {
      this.json = json.getBytes(StandardCharsets.UTF_8);
      this.pad = pad;
      this.millis = millis;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0];
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pad > 0) {
        sleep(millis);
        pad--;
        b[off] = ' ';
        return 1;
      }
      if (pos == json.length) {
        return -1;
      }
      int n = Math.min(len, json.length - pos);
      System.arraycopy(json, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  private static HttpRequest.Builder check(String base, String client, String rule) {
    return HttpRequest.newBuilder(URI.create(base + "/rate-limit/check"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"client_id\":\"" + client + "\",\"rule_id\":\"" + rule + "\"}"));
  }

  /** The status, or -1 when the request failed (not listening yet). */
  private static int status(HttpClient http, HttpRequest.Builder request)
      throws InterruptedException {
    try {
      return http.send(request.timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private static boolean running(String name) throws Exception {
    return podman("inspect", "--format", "{{.State.Running}}", name).out.strip().equals("true");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private static String[] podmanCommand(String... args) {
    List<String> c = new ArrayList<>();
    c.add("podman");
    c.addAll(GLOBAL);
    c.addAll(List.of(args));
    return c.toArray(String[]::new);
  }

  private static Result podman(String... args) throws Exception {
    return exec(Duration.ofMinutes(2), Map.of(), podmanCommand(args));
  }

  /** Runs a command with CONTAINERS_CONF set, its output kept apart from its errors. */
  private static Result exec(Duration timeout, Map<String, String> env, String... command)
      throws Exception {
    Path err = Files.createTempFile(work, "err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile())
          .redirectError(err.toFile());
      pb.environment().put("CONTAINERS_CONF", containersConf.toString());
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
        try {
          return p.getInputStream().readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout
            + ": " + Files.readString(err));
      }
      return new Result(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8),
          Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
