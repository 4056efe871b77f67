package dev.sluice.regions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Decision;
import dev.sluice.KeyedCheck;
import dev.sluice.Limit;
import dev.sluice.MultiDecision;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.redis.Topology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three regions on real Redis with every link up: each region is exact against its static
 * allocation (the seed's 1000/min as 400 / 400 / 200), one exchange round gives every region the
 * same view, multi-key checks stay all or nothing, and bad arguments are named.
 */
class RegionalEngineTest {
  private static ThreeRegions regions;

  @BeforeAll
  static void start() {
    regions = new ThreeRegions(Duration.ofMillis(100), b -> { });
  }

  @AfterAll
  static void stop() {
    regions.close();
  }

  private static long admit(RateLimiter l, String key, int n, long now) {
    long a = 0;
    for (int i = 0; i < n; i++) {
      Decision d = l.check(key, 1, now);
      assertThat(d.degraded()).isFalse();
      if (d.allowed()) {
        a++;
      }
    }
    return a;
  }

  @Test
  void eachRegion_isExactAgainstItsStaticAllocation_andOneRoundGivesEveryRegionTheSameView() {
    Rule rule = Rule.of("seed004", Limit.fixedWindow(1000, Duration.ofMinutes(1)));
    long now = regions.clock.nowMicros();
    Map<String, Long> want = Map.of("ap", 400L, "eu", 400L, "us", 200L);
    long total = 0;
    for (String r : ThreeRegions.NAMES) {
      RateLimiter l = regions.engine(r).limiter(rule);
      long a = admit(l, "k1", 500, now);
      assertThat(a).as(r).isEqualTo(want.get(r));
      Decision d = l.check("k1", 1, now);
      assertThat(d.allowed()).isFalse();
      assertThat(d.limit()).isEqualTo(want.get(r));
      total += a;
    }
    assertThat(total).isEqualTo(1000);
    assertThat(regions.exchangeAll()).isTrue();
    // The first instances sent before the later ones had counted: one more round carries all.
    assertThat(regions.exchangeAll()).isTrue();
    UsageCrdt first = regions.engine("ap").view(rule, "k1", now);
    for (String r : ThreeRegions.NAMES) {
      UsageCrdt v = regions.engine(r).view(rule, "k1", now);
      assertThat(v).as(r).isEqualTo(first);
      assertThat(v.admitted()).isEqualTo(1000);
      assertThat(v.get(r).demand()).isEqualTo(501);
      assertThat(v.get(r).allocation()).isEqualTo(want.get(r));
    }
    RegionalStats s = regions.engine("eu").stats();
    assertThat(s.regions()).hasSize(3).allSatisfy(v -> {
      assertThat(v.partitioned()).isFalse();
      assertThat(v.lastExchangeAgeMicros()).isZero();
    });
    assertThat(s.regions()).filteredOn(v -> v.region().equals("us")).singleElement()
        .satisfies(v -> {
          assertThat(v.allocation()).isEqualTo(200);
          assertThat(v.admitted()).isEqualTo(200);
        });
  }

  @Test
  void checkAll_isAllOrNothingAgainstTheRegionsAllocations() {
    Rule user = Rule.of("user", Limit.tokenBucket(10, Duration.ofMinutes(1)));
    Rule org = Rule.of("org", Limit.fixedWindow(25, Duration.ofMinutes(1)));
    RegionalEngine eu = regions.engine("eu"); // 2/5: 4 per user, 10 per org
    long now = regions.clock.nowMicros();
    int admitted = 0;
    for (int i = 0; i < 20; i++) {
      MultiDecision md = eu.checkAll(List.of(KeyedCheck.of(eu.limiter(user), "u" + (i % 2), 1),
          KeyedCheck.of(eu.limiter(org), "o", 1)), now);
      if (md.allowed()) {
        admitted++;
      }
    }
    // 4 for each of two users = 8, below the org's 10: each denial consumed nothing of the org.
    assertThat(admitted).isEqualTo(8);
    MultiDecision md = eu.checkAll(List.of(KeyedCheck.of(eu.limiter(org), "o", 2)), now);
    assertThat(md.allowed()).isTrue();
    assertThat(md.reportedDecision().remaining()).isZero();
  }

  @Test
  void badArguments_areNamed() {
    assertThatThrownBy(() -> RegionalEngine.builder("mars", Map.of("eu",
        Topology.standalone("redis://127.0.0.1:1"))))
        .hasMessageContaining("region 'mars' is not among the regions [eu]");
    assertThatThrownBy(() -> RegionalEngine.builder("EU", Map.of("EU",
        Topology.standalone("redis://127.0.0.1:1"))))
        .hasMessageContaining("region name 'EU'");
    RegionalEngine.Builder b = RegionalEngine.builder("eu", Map.of("eu",
        Topology.standalone("redis://127.0.0.1:1")));
    assertThatThrownBy(() -> b.weight("us", 1)).hasMessageContaining("unknown region 'us'");
    assertThatThrownBy(() -> b.floorShare(2)).hasMessageContaining("floor share 2.0");
    RateLimiter l = regions.engine("ap").limiter(Rule.of("bad", Limit.fixedWindow(5,
        Duration.ofMinutes(1))));
    assertThatThrownBy(() -> l.check("k", 0, 1)).hasMessageContaining("cost");
    RateLimiter other = dev.sluice.InMemoryEngine.create().limiter(Rule.of("x",
        Limit.fixedWindow(1, Duration.ofSeconds(1))));
    assertThatThrownBy(() -> regions.engine("ap").checkAll(List.of(KeyedCheck.of(other, "k", 1)),
        1)).hasMessageContaining("rule 'x' comes from another engine");
  }
}
