package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.TestHttp.Answer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Priority tiers under overload: the lowest tier is shed first, premium last. */
class AdaptiveSheddingTest {
  @TempDir
  Path dir;

  @Test
  void overload_shedsTheLowestTierFirstAndPremiumLast_with503AndRetryAfter() throws Exception {
    try (TestUpstream slow = TestUpstream.start("slow");
        TestGateway g = TestGateway.start(dir, """
            gateway:
              tiers:
                header: X-Priority
                default: free
                levels:
                  - {name: free, max-share: 0.34}
                  - {name: pro, max-share: 0.67}
                  - {name: premium, max-share: 1.0}
              routes: [{match: {path: "/**"}, upstream: slow}]
              upstreams:
                slow:
                  hosts: [{url: "%s"}]
                  adaptive: {algorithm: fixed, initial-limit: 6}
            identity: {trusted-proxies: [127.0.0.1]}
            """.formatted(slow.url()), "rules: []\n")) {
      slow.delayMillis = 100;
      List<String> tiers = List.of("free", "pro", "premium");
      Map<String, AtomicInteger> ok = new ConcurrentHashMap<>();
      Map<String, AtomicInteger> shed = new ConcurrentHashMap<>();
      AtomicBoolean run = new AtomicBoolean(true);
      AtomicInteger otherStatus = new AtomicInteger();
      AtomicInteger missingRetryAfter = new AtomicInteger();
      // Four closed-loop clients per tier: 12 wanting in, 6 slots.
      Thread[] clients = new Thread[12];
      for (int i = 0; i < clients.length; i++) {
        String tier = tiers.get(i % 3);
        ok.putIfAbsent(tier, new AtomicInteger());
        shed.putIfAbsent(tier, new AtomicInteger());
        clients[i] = new Thread(() -> {
          while (run.get()) {
            Answer r = g.get("/work", "X-Priority", tier);
            if (r.status() == 200) {
              ok.get(tier).incrementAndGet();
            } else if (r.status() == 503) {
              shed.get(tier).incrementAndGet();
              if (!"1".equals(r.header("Retry-After"))) {
                missingRetryAfter.incrementAndGet();
              }
              sleepQuietly(20); // a polite client backs off; keeps the test's load small
            } else {
              otherStatus.incrementAndGet();
            }
          }
        });
        clients[i].start();
      }
      Thread.sleep(3000);
      run.set(false);
      for (Thread t : clients) {
        t.join();
      }
      System.out.println("served " + ok + ", shed " + shed);
      assertThat(otherStatus.get()).isZero();
      assertThat(missingRetryAfter.get()).isZero();
      double free = shareShed(ok, shed, "free");
      double pro = shareShed(ok, shed, "pro");
      double premium = shareShed(ok, shed, "premium");
      assertThat(free).isGreaterThan(pro);
      assertThat(pro).isGreaterThan(premium);
      assertThat(ok.get("premium").get()).isGreaterThan(ok.get("pro").get());
      assertThat(ok.get("pro").get()).isGreaterThan(ok.get("free").get());
      String m = g.metrics();
      assertThat(m).contains("sluice_gateway_shed_total{tier=\"free\",upstream=\"slow\"}");
      assertThat(m).contains("sluice_gateway_concurrency_limit{upstream=\"slow\"} 6.0");
      assertThat(m).contains("sluice_gateway_in_flight{upstream=\"slow\"}");
    }
  }

  private static double shareShed(Map<String, AtomicInteger> ok, Map<String, AtomicInteger> shed,
      String tier) {
    int s = shed.get(tier).get();
    return (double) s / (s + ok.get(tier).get());
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
