package dev.sluice.lab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends checks to Sluice instances for a bounded time and count, and writes every operation to
 * a history file, one CSV line each: {@code invoke_us,complete_us,thread,instance,key,outcome,
 * degraded,latency_us}, times in microseconds of the Unix epoch (wall clock of the client's
 * host, the clock the lab's fault log uses too).
 *
 * <p>Outcomes: {@code ok} (200), {@code deny} (429), {@code error} (another status, or the
 * connection failed), {@code timeout} (no answer within the timeout). The key is {@code k<n>},
 * where {@code n} counts epochs of {@code --epoch-ms} since the client started: a fresh key per
 * epoch, so each key's traffic falls in one window of a long fixed-window rule and the checker
 * needs no window arithmetic.
 *
 * <p>Arguments: {@code --targets URL[,URL...] --out FILE [--duration-ms 10000] [--threads 8]
 * [--rule lab] [--epoch-ms 2000] [--max-ops 200000] [--timeout-ms 1000] [--stop-file FILE]}.
 * Each thread sends one check at a time, round-robin over the targets from its own offset. The
 * client stops at the first of: the duration, the operation budget, the stop file appearing
 * (the lab creates it once its last fault has ended).
 */
public final class LabClient {
  private LabClient() {}

  /**
   * Runs the client; exits 2 on a bad argument.
   *
   * @param args the arguments above
   * @throws Exception when the history file cannot be written
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = Args.parse(args, List.of("targets", "out", "duration-ms", "threads",
        "rule", "epoch-ms", "max-ops", "timeout-ms", "stop-file"));
    List<URI> targets = new ArrayList<>();
    for (String t : a.getOrDefault("targets", "").split(",")) {
      if (!t.isBlank()) {
        targets.add(URI.create(t.strip() + "/rate-limit/check"));
      }
    }
    if (targets.isEmpty()) {
      Args.fail("--targets: at least one URL is required");
    }
    Path out = Path.of(Args.required(a, "out"));
    long durationMs = Args.positive(a, "duration-ms", 10_000);
    int threads = (int) Args.positive(a, "threads", 8);
    String rule = a.getOrDefault("rule", "lab");
    long epochMs = Args.positive(a, "epoch-ms", 2_000);
    long maxOps = Args.positive(a, "max-ops", 200_000);
    Duration timeout = Duration.ofMillis(Args.positive(a, "timeout-ms", 1_000));

    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout)
        .version(HttpClient.Version.HTTP_1_1).build();
    long start = System.currentTimeMillis();
    long deadline = start + durationMs;
    AtomicLong budget = new AtomicLong(maxOps);
    Path stopFile = a.containsKey("stop-file") ? Path.of(a.get("stop-file")) : null;
    AtomicBoolean stop = new AtomicBoolean();
    if (stopFile != null) {
      Thread.ofPlatform().daemon().name("lab-client-stop").start(() -> {
        while (!Files.exists(stopFile)) {
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          }
        }
        stop.set(true);
      });
    }
    try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      w.write("invoke_us,complete_us,thread,instance,key,outcome,degraded,latency_us\n");
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        workers.add(Thread.ofPlatform().name("lab-client-" + t).start(() -> {
          long n = id;
          while (!stop.get() && System.currentTimeMillis() < deadline
              && budget.getAndDecrement() > 0) {
            int instance = (int) (n++ % targets.size());
            long nowMs = System.currentTimeMillis();
            String key = "k" + ((nowMs - start) / epochMs);
            String line = once(http, targets.get(instance), rule, key, timeout, id, instance);
            synchronized (w) {
              try {
                w.write(line);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          }
        }));
      }
      for (Thread worker : workers) {
        worker.join();
      }
    }
  }

  private static String once(HttpClient http, URI target, String rule, String key,
      Duration timeout, int thread, int instance) {
    String body = "{\"client_id\":\"" + key + "\",\"rule_id\":\"" + rule + "\",\"cost\":1}";
    HttpRequest req = HttpRequest.newBuilder(target).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    long invoke = micros();
    long t0 = System.nanoTime();
    String outcome;
    boolean degraded = false;
    try {
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      degraded = resp.body().contains("\"degraded\":true");
      outcome = switch (resp.statusCode()) {
        case 200 -> "ok";
        case 429 -> "deny";
        default -> "error";
      };
    } catch (HttpTimeoutException e) {
      outcome = "timeout";
    } catch (IOException e) {
      outcome = "error";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = "error";
    }
    long latency = (System.nanoTime() - t0) / 1_000;
    long complete = invoke + latency;
    if (outcome.equals("error")) {
      // A refused connection answers at once; pacing keeps a dead instance from turning the
      // thread into a busy loop that starves the others on a small machine.
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return invoke + "," + complete + "," + thread + "," + instance + "," + key + "," + outcome
        + "," + degraded + "," + latency + "\n";
  }

  private static long micros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
