package dev.sluice.synced;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RateLimiter;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisServers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A lease holder in another process is killed with {@code kill -9} while it holds a lease: until
 * the lease expires its permits stay out of the pool, afterwards they are back, and another
 * instance can take exactly what the holder had not spent: no permit lost, none invented.
 */
class LeaseCrashTest {
  private static final long TTL_MILLIS = 3_000;

  @Test
  void killedHolder_itsLeaseExpiresAndThePoolIsWholeAgain() throws Exception {
    waitIfTheDayEndsSoon();
    String uri = RedisServers.shared().uri();
    String prefix = "crash:" + UUID.randomUUID() + ":";
    String java = ProcessHandle.current().info().command().orElse("java");
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LeaseHolder.class.getName(), uri, prefix, Long.toString(TTL_MILLIS), "37")
        .redirectErrorStream(true).start();
    LeasedEngine survivor = LeasedEngine.builder(Topology.standalone(uri)).keyPrefix(prefix)
        .instanceId("survivor").syncInterval(Duration.ofMillis(100))
        .leaseTtl(Duration.ofMillis(TTL_MILLIS)).maxLeaseFraction(1.0)
        .commandTimeout(Duration.ofSeconds(2)).autoSync(false).build();
    try {
      String line;
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
          StandardCharsets.UTF_8));
      while ((line = out.readLine()) != null && !line.startsWith("HOLDING")
          && !line.startsWith("FAILED")) {
        System.out.println("holder: " + line);
      }
      System.out.println("holder: " + line);
      assertThat(line).startsWith("HOLDING");
      Matcher m = Pattern.compile("HOLDING spent=(\\d+) held=(\\d+)").matcher(line);
      assertThat(m.matches()).isTrue();
      long spent = Long.parseLong(m.group(1));
      long held = Long.parseLong(m.group(2));
      String pool = pool(prefix);
      Map<String, Long> f = fields(pool);
      assertThat(f.get("s:holder")).isEqualTo(spent);
      assertThat(f.get("h:holder")).isEqualTo(held);
      assertThat(held).isGreaterThanOrEqualTo(50);

      Process kill = new ProcessBuilder("kill", "-9", Long.toString(holder.pid())).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(holder.exitValue()).isEqualTo(137);
      long killedAt = System.nanoTime();

      // While the dead holder's lease lives, the survivor gets everything but it.
      RateLimiter l = survivor.limiter(LeaseHolder.RULE);
      long before = drain(survivor, l);
      assertThat(System.nanoTime() - killedAt).as("drained before the lease expired")
          .isLessThan(TimeUnit.MILLISECONDS.toNanos(TTL_MILLIS - 500));
      assertThat(before).isEqualTo(1_000 - spent - held);
      assertThat(fields(pool).get("h:holder")).isEqualTo(held);

      // After it expired, exactly its unspent permits come back.
      Thread.sleep(Math.max(0, TTL_MILLIS + 200
          - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt)));
      long after = drain(survivor, l);
      System.out.printf("holder spent %d and held %d when killed; the survivor took %d before "
          + "its lease expired and %d after%n", spent, held, before, after);
      assertThat(after).isEqualTo(held);
      Map<String, Long> end = fields(pool);
      assertThat(end).doesNotContainKey("h:holder");
      assertThat(end.get("s:holder") + end.get("s:survivor")).isEqualTo(1_000);
    } finally {
      holder.destroyForcibly();
      survivor.close();
    }
  }

  /** Takes and spends every permit the survivor can get; returns how many it admitted. */
  private static long drain(LeasedEngine e, RateLimiter l) {
    long admitted = 0;
    int idle = 0;
    for (int round = 0; round < 200 && idle < 3; round++) {
      long got = 0;
      for (int i = 0; i < 300; i++) {
        if (l.tryAcquire("k")) {
          got++;
        }
      }
      admitted += got;
      assertThat(e.syncNow()).isTrue();
      idle = got == 0 && e.stats().leasedPermits() == 0 ? idle + 1 : 0;
    }
    return admitted;
  }

  private static String pool(String prefix) {
    long day = 86_400_000_000L;
    long now = System.currentTimeMillis() * 1_000;
    return prefix + "{crash|k}:0:w" + day + ":" + (now - Math.floorMod(now, day));
  }

  private static Map<String, Long> fields(String pool) {
    List<?> flat = (List<?>) RedisServers.shared().call("HGETALL", pool);
    Map<String, Long> m = new HashMap<>();
    for (int i = 0; i < flat.size(); i += 2) {
      m.put(flat.get(i).toString(), Long.parseLong(flat.get(i + 1).toString()));
    }
    return m;
  }

  /** The rule's window is a UTC day: do not start within two minutes of its end. */
  private static void waitIfTheDayEndsSoon() throws InterruptedException {
    long day = 86_400_000L;
    long left = day - Math.floorMod(System.currentTimeMillis(), day);
    if (left < 120_000) {
      Thread.sleep(left + 1_000);
    }
  }
}
