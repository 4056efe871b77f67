package dev.sluice.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.RateLimiterEngine;
import dev.sluice.InMemoryEngine;
import dev.sluice.rules.RuleSetCodec;
import dev.sluice.rules.decide.DecisionCounters;
import dev.sluice.rules.decide.DecisionCounters.ClientTally;
import dev.sluice.rules.decide.DecisionCounters.Kind;
import dev.sluice.rules.decide.RuleBook;
import dev.sluice.rules.decide.ScopeKeys;
import dev.sluice.rules.identity.ClientIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The statistics' behaviour: sliding period, exact totals under concurrency, rates, bounds. */
class TrafficStatsTest {
  static final long T0 = 1_800_000_020_000L; // a slice boundary (10 s slices)

  @Test
  void period_slides_oldSlicesLeaveTheSnapshot() {
    AtomicLong now = new AtomicLong(T0);
    TrafficStats stats = TrafficStats.create(SketchConfig.DEFAULTS, now::get);
    ClientTally t = stats.traffic("r");
    t.decided("ip:old", 5, Kind.DENIED);
    now.addAndGet(30_000);
    t.decided("ip:new", 2, Kind.ALLOWED);
    RuleSnapshot all = stats.snapshot("r", Duration.ofMinutes(1), 10).orElseThrow();
    assertThat(all.requestedTotal()).isEqualTo(7);
    assertThat(all.deniedMost().clients()).extracting(RuleSnapshot.TopClient::client)
        .containsExactly("ip:old");
    RuleSnapshot last10 = stats.snapshot("r", Duration.ofSeconds(10), 10).orElseThrow();
    assertThat(last10.requestedTotal()).isEqualTo(2);
    assertThat(last10.fromMillis()).isEqualTo(T0 + 30_000);
    now.addAndGet(30_000); // 60 s after the first: its slice has left the period
    t.decided("ip:new", 1, Kind.ALLOWED);
    RuleSnapshot later = stats.snapshot("r", Duration.ofMinutes(1), 10).orElseThrow();
    assertThat(later.requestedTotal()).isEqualTo(3);
    assertThat(later.deniedTotal()).isZero();
    assertThat(later.uniqueClients().estimate()).isCloseTo(1.0, within(0.01));
  }

  @Test
  void concurrentFeeds_loseNoDecision() throws InterruptedException {
    AtomicLong now = new AtomicLong(T0);
    TrafficStats stats = TrafficStats.create(SketchConfig.DEFAULTS, now::get);
    ClientTally t = stats.traffic("r");
    int threads = 4;
    int each = 50_000;
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      final int id = i;
      ts.add(Thread.ofPlatform().start(() -> {
        for (int j = 0; j < each; j++) {
          t.decided("user:" + (j % 100), 1, j % 10 == 0 ? Kind.DENIED : Kind.ALLOWED);
          if (j % 1000 == 0 && id == 0) {
            stats.snapshot("r", Duration.ofMinutes(1), 3); // reads racing writes
          }
        }
      }));
    }
    for (Thread th : ts) {
      th.join();
    }
    RuleSnapshot s = stats.snapshot("r", Duration.ofMinutes(1), 5).orElseThrow();
    assertThat(s.requestedTotal()).isEqualTo((long) threads * each);
    assertThat(s.deniedTotal()).isEqualTo((long) threads * each / 10);
    assertThat(s.uniqueClients().estimate()).isBetween(99.0, 101.0);
    // 100 equally heavy clients fit in the map: exact counts.
    assertThat(s.requestedMost().maxError()).isZero();
    assertThat(s.requestedMost().clients()).hasSize(5)
        .allSatisfy(c -> assertThat(c.estimate()).isEqualTo(threads * each / 100));
  }

  @Test
  void rates_countEachCompleteSecondExactly() {
    AtomicLong now = new AtomicLong(T0);
    TrafficStats stats = TrafficStats.create(SketchConfig.DEFAULTS, now::get);
    ClientTally t = stats.traffic("r");
    for (int sec = 0; sec < 12; sec++) {
      for (int i = 0; i < 10 + sec; i++) {
        t.decided("c", 1, Kind.ALLOWED);
      }
      t.decided("c", 1, Kind.DENIED);
      t.decided("c", 1, Kind.SHADOW_DENIED);
      now.addAndGet(1000);
    }
    RuleSnapshot.Rates r = stats.snapshot("r", Duration.ofMinutes(1), 0).orElseThrow().rates();
    assertThat(r.seriesStartSecond()).isEqualTo(T0 / 1000 + 12 - 60);
    assertThat(r.allowedSeries()).hasSize(60);
    assertThat(r.allowedSeries()[59]).isEqualTo(21);
    assertThat(r.allowedSeries()[48]).isEqualTo(10);
    assertThat(r.allowedSeries()[47]).isZero();
    assertThat(r.deniedSeries()[59]).isEqualTo(1);
    assertThat(r.shadowDeniedSeries()[59]).isEqualTo(1);
    // The last 10 complete seconds held 12..21 allowed: 16.5 per second.
    assertThat(r.allowed()).isEqualTo(16.5);
    assertThat(r.denied()).isEqualTo(1.0);
  }

  @Test
  void ruleBook_feedsTheStats_withTheClientKey_acrossReloads() throws Exception {
    AtomicLong now = new AtomicLong(T0);
    TrafficStats stats = TrafficStats.create(SketchConfig.DEFAULTS, now::get);
    DecisionCounters counters = stats.observing(DecisionCounters.NONE);
    String rules = """
        {"rules": [{"id": "api", "limits": [{"window": "1h", "max": 3}]},
                   {"id": "dry", "shadow": true, "limits": [{"window": "1h", "max": 1}]}]}""";
    RuleSetCodec.Valid v = (RuleSetCodec.Valid) RuleSetCodec.parse(
        new ObjectMapper().readTree(rules), 10);
    try (RateLimiterEngine engine = InMemoryEngine.create()) {
      RuleBook book = new RuleBook(v.ruleSet(), engine, counters);
      for (int i = 0; i < 5; i++) {
        book.decideBlocking(book.rule("api"), keys("ip:10.0.0.1"), 1);
        book.decideBlocking(book.rule("dry"), keys("key:secret"), 1);
      }
      book.decideBlocking(book.rule("api"), keys("ip:10.0.0.2"), 2);
      RuleBook reloaded = new RuleBook(v.ruleSet(), engine, counters);
      reloaded.decide(reloaded.rule("api"), keys("ip:10.0.0.1"), 1).toCompletableFuture().join();
    }
    RuleSnapshot api = stats.snapshot("api", Duration.ofMinutes(1), 10).orElseThrow();
    assertThat(api.requestedTotal()).isEqualTo(8);
    assertThat(api.deniedMost().clients()).singleElement()
        .satisfies(c -> assertThat(c.client()).isEqualTo("ip:10.0.0.1"))
        .satisfies(c -> assertThat(c.estimate()).isEqualTo(3));
    assertThat(api.uniqueClients().estimate()).isCloseTo(2.0, within(0.01));
    RuleSnapshot dry = stats.snapshot("dry", Duration.ofMinutes(1), 10).orElseThrow();
    assertThat(dry.deniedTotal()).isEqualTo(4); // shadow denials count as denials
    assertThat(dry.rates().shadowDeniedSeries()).containsOnly(0); // this second is not complete
    assertThat(stats.rules()).containsExactlyInAnyOrder("api", "dry");
    assertThat(stats.idle("dry")).isFalse();
    stats.retain(List.of("api"));
    assertThat(stats.rules()).as("kept for a period: a book being compiled may need them")
        .contains("dry");
    now.addAndGet(60_000);
    assertThat(stats.idle("dry")).isTrue();
    stats.retain(List.of("api"));
    assertThat(stats.snapshot("dry", Duration.ofMinutes(1), 10)).isEmpty();
    assertThat(stats.rules()).containsExactly("api");
  }

  @Test
  void badConfigurationAndPeriods_areRefused_namingTheValue() {
    assertThatThrownBy(() -> new SketchConfig(Duration.ofSeconds(60), 7, 256, 12))
        .hasMessageContaining("7 slices");
    assertThatThrownBy(() -> new SketchConfig(Duration.ofSeconds(60), 6, 300, 12))
        .hasMessageContaining("300");
    assertThatThrownBy(() -> new SketchConfig(Duration.ofSeconds(60), 6, 256, 20))
        .hasMessageContaining("20");
    TrafficStats stats = TrafficStats.create(SketchConfig.DEFAULTS, () -> T0);
    assertThatThrownBy(() -> stats.slicesOf(Duration.ofSeconds(15)))
        .hasMessage("period '15s' must be a multiple of 10s up to 1m");
    assertThatThrownBy(() -> stats.slicesOf(Duration.ofMinutes(2))).hasMessageContaining("'2m'");
    assertThat(stats.slicesOf(Duration.ofSeconds(30))).isEqualTo(3);
    assertThatThrownBy(() -> stats.snapshot("r", Duration.ofMinutes(1), 1001))
        .hasMessageContaining("1001");
  }

  @Test
  void memoryBound_isStatedPerRule() {
    TrafficStats stats = TrafficStats.create(SketchConfig.DEFAULTS, () -> T0);
    long bound = stats.boundBytesPerRule(260);
    System.out.println("bound per rule (defaults, 260-char keys, " + stats.stripes()
        + " stripes): " + bound + " bytes");
    assertThat(bound).isBetween(100_000L, 2_000_000L);
  }

  private static ScopeKeys keys(String client) {
    return new ScopeKeys(new ClientIdentity(client, null, null, null), null);
  }
}
