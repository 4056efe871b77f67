package dev.sluice.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker on histories written here: a key at its bound passes, one permit more fails with
 * a line naming the key, and the allowances of the faults (a Redis restarted empty, an instance
 * killed) count only for the keys whose life they overlap. The checker runs as the lab runs it,
 * a separate {@code java} process whose exit code is the verdict.
 */
class HistoryCheckerTest {
  private static final long T0 = 1_800_000_000_000_000L; // microseconds, inside one 1h window

  @TempDir Path dir;

  @Test
  void redisKeyAtTheLimitPassesAndOneMoreFails() throws Exception {
    assertEquals(0, check("redis", history(200, 0, false), "").exit());
    Result over = check("redis", history(201, 0, false), "");
    assertEquals(1, over.exit(), over.output());
    assertTrue(over.output().contains("VIOLATION run key k0: admitted 201 of 200"), over.output());
  }

  @Test
  void redisDegradedAnswersAreBoundedPerInstanceByTheLocalShare() throws Exception {
    // 200 exact plus 68 degraded on instance 0 (ceil(0.34 * 200)) is the bound; 69 is over.
    List<String> ok = history(200, 0, false);
    ok.addAll(history(68, 0, true).subList(1, 69));
    assertEquals(0, check("redis", ok, "").exit());
    List<String> over = history(200, 0, false);
    over.addAll(history(69, 0, true).subList(1, 70));
    assertEquals(1, check("redis", over, "").exit());
  }

  @Test
  void aRedisRestartedEmptyDuringTheKeyAllowsTheLimitAgain() throws Exception {
    long startMs = T0 / 1000 + 100;
    String restart = startMs + " " + (startMs + 500) + " kill-redis redis\n";
    assertEquals(0, check("redis", history(400, 0, false), restart).exit());
    assertEquals(1, check("redis", history(401, 0, false), restart).exit());
    // The same restart an hour later does not touch the key.
    String later = (startMs + 3_000_000) + " " + (startMs + 3_000_500) + " kill-redis redis\n";
    assertEquals(1, check("redis", history(201, 0, false), later).exit());
  }

  @Test
  void syncedAllowsATenthAndOnePermitPerInstance() throws Exception {
    assertEquals(0, check("synced", history(223, 0, false), "").exit());
    assertEquals(1, check("synced", history(224, 0, false), "").exit());
  }

  @Test
  void leasedAllowsOnlyAKilledHoldersLastSpending() throws Exception {
    assertEquals(1, check("leased", history(201, 0, false), "").exit());
    // 201 admissions one millisecond apart, s1 (instance 0) killed 150 ms into them: the 150 it
    // admitted in the 500 ms before dying may be counted twice; on s2 the kill allows nothing.
    long killMs = T0 / 1000 + 150;
    String kill = killMs + " " + (killMs + 1000) + " kill-instance s1\n";
    assertEquals(0, check("leased", history(201, 0, false), kill).exit());
    assertEquals(1, check("leased", history(201, 1, false), kill).exit());
  }

  /** A header and {@code n} allowed checks of key k0 on {@code instance}, 1 ms apart. */
  private static List<String> history(int n, int instance, boolean degraded) {
    List<String> lines = new ArrayList<>();
    lines.add("invoke_us,complete_us,thread,instance,key,outcome,degraded,latency_us");
    for (int i = 0; i < n; i++) {
      long t = T0 + i * 1000L;
      lines.add(t + "," + (t + 500) + ",0," + instance + ",k0,ok," + degraded + ",500");
    }
    return lines;
  }

  private record Result(int exit, String output) {}

  private Result check(String engine, List<String> history, String faults)
      throws IOException, InterruptedException {
    Path h = Files.write(dir.resolve("history.csv"), history, StandardCharsets.UTF_8);
    Path f = Files.writeString(dir.resolve("faults.log"), faults, StandardCharsets.UTF_8);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", Path.of("target", "classes").toString(),
        "dev.sluice.lab.HistoryChecker", "--history", h.toString(), "--faults", f.toString(),
        "--engine", engine, "--limit", "200", "--instances", "3", "--share", "0.34",
        "--sync-ms", "250", "--run", "run").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }
}
