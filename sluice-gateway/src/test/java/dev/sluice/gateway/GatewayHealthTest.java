package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.TestHttp.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Active checks, passive ejection, readmission, retries and panic against real upstreams. */
class GatewayHealthTest {
  @TempDir
  Path dir;

  private static String healthy(TestGateway g, TestUpstream u, String upstream) {
    return "sluice_gateway_upstream_healthy{host=\"127.0.0.1:" + u.port() + "\",upstream=\""
        + upstream + "\"}";
  }

  @Test
  void upstreamKilledUnderLoad_isEjectedWithoutClientErrors_andReadmittedWhenBack()
      throws Exception {
    try (TestUpstream a = TestUpstream.start("a"); TestUpstream b = TestUpstream.start("b");
        TestGateway g = TestGateway.twoHosts(dir, a, b, """
            lb: round-robin
            health-check: {path: /healthz, interval: 200ms, timeout: 200ms,
                           healthy: 2, unhealthy: 2}
            outlier: {consecutive-failures: 2, base-ejection-time: 500ms,
                      max-ejected-share: 0.5}
            retry: {attempts: 1, budget: 0.5, min-retries: 20}
            """)) {
      List<Integer> statuses = new CopyOnWriteArrayList<>();
      ConcurrentHashMap<String, Integer> served = new ConcurrentHashMap<>();
      AtomicBoolean run = new AtomicBoolean(true);
      Runnable load = () -> {
        while (run.get()) {
          Answer r = g.get("/work");
          statuses.add(r.status());
          if (r.status() == 200) {
            served.merge(r.header("X-Upstream"), 1, Integer::sum);
          }
          sleep(5);
        }
      };
      Thread t1 = new Thread(load);
      Thread t2 = new Thread(load);
      t1.start();
      t2.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> served.getOrDefault("b", 0) > 20);

      b.kill();
      await().atMost(Duration.ofSeconds(10)).until(() -> g.metric(healthy(g, b, "api")) == 0.0);
      served.clear();
      sleep(500);
      assertThat(served.getOrDefault("b", 0)).isZero();
      assertThat(served.getOrDefault("a", 0)).isPositive();

      b.revive();
      await().atMost(Duration.ofSeconds(10)).until(() -> g.metric(healthy(g, b, "api")) == 1.0);
      await().atMost(Duration.ofSeconds(10)).until(() -> served.getOrDefault("b", 0) > 20);
      run.set(false);
      t1.join();
      t2.join();
      // Connect failures of GETs were retried on the other host: the clients saw no error.
      assertThat(statuses).isNotEmpty();
      assertThat(statuses.stream().filter(s -> s != 200).toList()).isEmpty();
      assertThat(g.metrics()).contains("sluice_gateway_retries_total{upstream=\"api\"}");
    }
  }

  @Test
  void activeCheck_marksDownAfterUnhealthyFailures_andUpAfterHealthyPasses() {
    try (TestUpstream a = TestUpstream.start("a"); TestUpstream b = TestUpstream.start("b");
        TestGateway g = TestGateway.twoHosts(dir, a, b, """
            health-check: {path: /healthz, interval: 150ms, timeout: 150ms,
                           healthy: 3, unhealthy: 4}
            """)) {
      String gauge = healthy(g, b, "api");
      await().until(() -> b.healthChecks.get() >= 2);
      assertThat(g.metric(gauge)).isEqualTo(1.0);
      int before = b.healthChecks.get();
      b.healthStatus = 503;
      await().atMost(Duration.ofSeconds(5)).until(() -> g.metric(gauge) == 0.0);
      int failedChecks = b.healthChecks.get() - before;
      assertThat(failedChecks).isGreaterThanOrEqualTo(4);
      int hits = b.hits.get();
      for (int i = 0; i < 10; i++) {
        assertThat(g.get("/x").header("X-Upstream")).isEqualTo("a");
      }
      assertThat(b.hits.get()).isEqualTo(hits);

      before = b.healthChecks.get();
      b.healthStatus = 200;
      await().atMost(Duration.ofSeconds(5)).until(() -> g.metric(gauge) == 1.0);
      assertThat(b.healthChecks.get() - before).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void passiveEjection_takesAHostOutAfterConsecutive5xx_forGrowingTimes_withinTheMaxShare() {
    try (TestUpstream a = TestUpstream.start("a"); TestUpstream b = TestUpstream.start("b");
        TestGateway g = TestGateway.twoHosts(dir, a, b, """
            lb: round-robin
            outlier: {consecutive-failures: 3, base-ejection-time: 300ms,
                      max-ejection-time: 10s, max-ejected-share: 0.5}
            """)) {
      // Both hosts answer 500: only one may be ejected (half the hosts).
      for (int i = 0; i < 12; i++) {
        assertThat(g.get("/status/500").status()).isEqualTo(500);
      }
      String m = g.metrics();
      double ej = value(m, "sluice_gateway_upstream_ejections_total{host=\"127.0.0.1:"
          + a.port() + "\",upstream=\"api\"}") + value(m,
          "sluice_gateway_upstream_ejections_total{host=\"127.0.0.1:" + b.port()
          + "\",upstream=\"api\"}");
      assertThat(ej).isEqualTo(1.0);
      boolean aOut = g.metric(healthy(g, a, "api")) == 0.0;
      TestUpstream out = aOut ? a : b;
      long t0 = System.nanoTime();
      await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(20)).until(() -> {
        g.get("/ok"); // readmission is checked as requests arrive
        return g.metric(healthy(g, out, "api")) == 1.0;
      });
      long first = (System.nanoTime() - t0) / 1_000_000;
      // Ejected again, now by connect failures (only this host fails them; the GETs are
      // retried on the other): twice the base time now.
      out.kill();
      for (int i = 0; i < 20 && g.metric(healthy(g, out, "api")) == 1.0; i++) {
        assertThat(g.get("/ok").status()).isEqualTo(200);
      }
      long t1 = System.nanoTime();
      out.revive();
      assertThat(g.metric(healthy(g, out, "api"))).isEqualTo(0.0);
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
        g.get("/ok");
        return g.metric(healthy(g, out, "api")) == 1.0;
      });
      long second = (System.nanoTime() - t1) / 1_000_000;
      System.out.println("ejections lasted " + first + " ms, then " + second + " ms");
      // The first wait started some requests after the ejection, the second right at it: the
      // second ejection (2 x 300 ms) outlasts the first (300 ms) by a clear margin.
      assertThat(first).isLessThan(1500L);
      assertThat(second).isBetween(450L, 3000L).isGreaterThan(first);
    }
  }

  @Test
  void panic_whenEveryHostIsUnhealthy_allHostsAreTried_orRefusedWith503() throws Exception {
    try (TestUpstream a = TestUpstream.start("a")) {
      a.healthStatus = 500;
      Files.createDirectories(dir.resolve("p"));
      try (TestGateway g = TestGateway.start(dir.resolve("p"), """
          gateway:
            routes:
              - {match: {path: "/panic/**"}, upstream: panics}
              - {match: {path: "/refuse/**"}, upstream: refuses}
            upstreams:
              panics:
                hosts: [{url: "%1$s"}]
                health-check: {path: /healthz, interval: 50ms, timeout: 50ms, unhealthy: 1}
              refuses:
                panic: refuse
                hosts: [{url: "%1$s"}]
                health-check: {path: /healthz, interval: 50ms, timeout: 50ms, unhealthy: 1}
          """.formatted(a.url()), "rules: []\n")) {
        await().until(() -> g.metric(healthy(g, a, "panics")) == 0.0
            && g.metric(healthy(g, a, "refuses")) == 0.0);
        assertThat(g.get("/panic/x").status()).isEqualTo(200);
        assertThat(g.metrics()).contains("sluice_gateway_panic_total{upstream=\"panics\"} 1.0");
        Answer r = g.get("/refuse/x");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("detail").asText()).contains("no healthy host");
      }
    }
  }

  @Test
  void nonIdempotentRequests_areNotRetried() throws Exception {
    try (TestUpstream a = TestUpstream.start("a"); TestUpstream b = TestUpstream.start("b")) {
      b.kill();
      try (TestGateway g = TestGateway.twoHosts(dir, a, b, """
          lb: round-robin
          outlier: {consecutive-failures: 0}
          """)) {
        int posts502 = 0;
        for (int i = 0; i < 6; i++) {
          String res = g.raw("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n"
              + "Connection: close\r\n\r\nhi");
          posts502 += res.startsWith("HTTP/1.1 502") ? 1 : 0;
          assertThat(g.get("/x").status()).isEqualTo(200); // GETs are retried on a
        }
        assertThat(posts502).isPositive();
      }
    }
  }

  private static double value(String metrics, String line) {
    for (String l : metrics.lines().toList()) {
      if (l.startsWith(line + " ")) {
        return Double.parseDouble(l.substring(line.length() + 1));
      }
    }
    return 0;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
