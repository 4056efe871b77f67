package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Decision;
import dev.sluice.KeyedCheck;
import dev.sluice.Limit;
import dev.sluice.MultiDecision;
import dev.sluice.Rule;
import dev.sluice.redis.Servers.Kind;
import dev.sluice.redis.Servers.OnRedis;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.Together;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Multi-key checks on real servers with two engines (two clients, two connections) and many
 * threads at a frozen timestamp: a standalone server, where every check is one script, and a
 * Cluster, where the global scope lives on another slot and the reserve-and-refund protocol
 * decides (docs/redis.md, "Multi-key checks"). Shared limits are never exceeded, refunds give
 * back exactly what was reserved, and the bound on spurious denials is measured.
 */
@OnRedis(Kind.CLUSTER)
class MultiKeyRedisTest {
  static final long T = 1_800_000_000_000_000L;
  static final int THREADS = 8;
  private static RedisEngine engine(Topology topology, String prefix) {
    return RedisEngine.builder(topology).keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(10)).connectTimeout(Duration.ofSeconds(10))
        .defaultPolicy(FailurePolicy.failClosed()).build();
  }

  private static Topology clusterTopology() {
    return Servers.topology(MultiKeyRedisTest.class);
  }

  static final Rule USER = Rule.of("user", Limit.fixedWindow(1_000, Duration.ofMinutes(1)));

  /** What the threads saw: admitted requests per user, and which part denied how often. */
  record Run(long admitted, long[] perUser, long[] deniedBy, long[] deniedMicros) {}

  /**
   * {@link #THREADS} threads, half on each engine, each sending {@code requests} checks of a
   * user of its own (one of 4), the org {@code acme} (with the org as affinity) and, when
   * {@code global} is not null, the global scope (no affinity).
   */
  private static Run hammer(RedisEngine a, RedisEngine b, Rule org, String orgKey, Rule global,
      int requests) throws Exception {
    int users = 4;
    AtomicLong admitted = new AtomicLong();
    long[][] perUser = new long[THREADS][users];
    long[] deniedBy = new long[3];
    List<Long> deniedMicros = new CopyOnWriteArrayList<>();
    Together.run(THREADS, thread -> {
      RedisEngine e = thread % 2 == 0 ? a : b;
      for (int j = 0; j < requests; j++) {
        int u = j % users;
        List<KeyedCheck> checks = new ArrayList<>(List.of(
            new KeyedCheck(e.limiter(USER), "u" + thread + "-" + u, 1, orgKey),
            new KeyedCheck(e.limiter(org), orgKey, 1, orgKey)));
        if (global != null) {
          checks.add(KeyedCheck.of(e.limiter(global), "all", 1));
        }
        long sent = System.nanoTime();
        MultiDecision d = e.checkAll(checks, T);
        assertThat(d.degraded()).isFalse();
        if (d.allowed()) {
          admitted.incrementAndGet();
          perUser[thread][u]++;
        } else {
          deniedMicros.add((System.nanoTime() - sent) / 1_000);
          synchronized (deniedBy) {
            deniedBy[d.reported()]++;
          }
        }
      }
    });
    long[] flat = Arrays.stream(perUser).flatMapToLong(Arrays::stream).toArray();
    return new Run(admitted.get(), flat, deniedBy,
        deniedMicros.stream().mapToLong(Long::longValue).sorted().toArray());
  }

  /** Every user was charged exactly its admitted requests (probed with one more). */
  private static void assertUsersCharged(RedisEngine e, Run run, String orgKey) {
    for (int i = 0; i < run.perUser().length; i++) {
      String user = "u" + i / 4 + "-" + i % 4;
      Decision probe = e.checkAll(List.of(new KeyedCheck(e.limiter(USER), user, 1, orgKey)), T)
          .reportedDecision();
      assertThat(probe.remaining()).as(user).isEqualTo(1_000 - run.perUser()[i] - 1);
    }
  }

  @Test
  void standalone_twoEnginesNeverExceedTheOrgOrGlobalLimit() throws Exception {
    String prefix = "mk" + UUID.randomUUID();
    Topology topology = Topology.standalone(RedisServers.shared().uri());
    Rule org = Rule.of("org", Limit.tokenBucket(70, Duration.ofMinutes(1)));
    Rule global = Rule.of("global", Limit.slidingWindowLog(90, Duration.ofMinutes(1)));
    try (RedisEngine a = engine(topology, prefix); RedisEngine b = engine(topology, prefix)) {
      Run run = hammer(a, b, org, "acme", global, 40);
      assertThat(run.admitted()).isEqualTo(70);
      assertUsersCharged(a, run, "acme");
      assertThat(a.limiter(global).check("all", 1, T).remaining()).isEqualTo(90 - 70 - 1);
    }
  }

  @Test
  void cluster_userAndOrgShareASlotAndTheGlobalScopeIsReservedAndRefunded() throws Exception {
    String prefix = "mk" + UUID.randomUUID();
    Rule org = Rule.of("org", Limit.fixedWindow(100, Duration.ofMinutes(1)));
    Rule global = Rule.of("global", Limit.fixedWindow(150, Duration.ofMinutes(1)));
    try (RedisEngine a = engine(clusterTopology(), prefix);
        RedisEngine b = engine(clusterTopology(), prefix)) {
      String orgKey = orgAfterGlobal(a, org, global);
      assertThat(SlotHash.getSlot(a.keyOf("u0-0", USER, orgKey)))
          .isEqualTo(SlotHash.getSlot(a.keyOf(orgKey, org, orgKey)));
      Run run = hammer(a, b, org, orgKey, global, 60);
      // The org is the binding limit; every denied request's global reservation was refunded.
      assertThat(run.admitted()).isEqualTo(100);
      assertUsersCharged(b, run, orgKey);
      assertThat(a.limiter(global).check("all", 1, T).remaining()).isEqualTo(150 - 100 - 1);
      // Spurious denials need the committed count plus the reservations in flight (at most one
      // per thread) to reach the limit: 100 + 8 < 150, so the global part never denied.
      assertThat(run.deniedBy()[2]).isZero();
      System.out.printf("cross-slot, 3 groups, %d threads: %d admitted of %d, denied calls"
          + " (reserve + deny + refund) p50 %d us, p99 %d us%n", THREADS, run.admitted(),
          THREADS * 60, pct(run.deniedMicros(), 50), pct(run.deniedMicros(), 99));
    }
  }

  @Test
  void cluster_spuriousDenialsWhenTheGlobalLimitIsWithinTheInFlightReservations()
      throws Exception {
    String prefix = "mk" + UUID.randomUUID();
    // Global == org: a global reservation that the org then denies holds a permit the others
    // could have had until its refund.
    Rule org = Rule.of("org", Limit.fixedWindow(100, Duration.ofMinutes(1)));
    Rule global = Rule.of("global", Limit.fixedWindow(100, Duration.ofMinutes(1)));
    try (RedisEngine a = engine(clusterTopology(), prefix);
        RedisEngine b = engine(clusterTopology(), prefix)) {
      String orgKey = orgAfterGlobal(a, org, global);
      Run run = hammer(a, b, org, orgKey, global, 60);
      assertThat(run.admitted()).isLessThanOrEqualTo(100);
      assertUsersCharged(a, run, orgKey);
      long globalUsed = 100 - b.limiter(global).check("all", 1, T).remaining()
          - (run.admitted() < 100 ? 1 : 0);
      // Refunds are exact: the global scope holds exactly the admitted requests.
      assertThat(globalUsed).isEqualTo(run.admitted());
      // The global part denies (spuriously) only while committed + in flight >= 100.
      assertThat(run.admitted()).isGreaterThanOrEqualTo(100 - THREADS);
      System.out.printf("cross-slot with limit == in-flight bound: %d admitted of 100,"
          + " %d global denials%n", run.admitted(), run.deniedBy()[2]);
    }
  }

  @Test
  void affinityKeys_putTheAffinityInTheHashTagAndStayApartFromKeysWithout() {
    try (RedisEngine e = engine(Topology.standalone(RedisServers.shared().uri()), "sl")) {
      Rule r = Rule.of("r", Limit.fixedWindow(1, Duration.ofSeconds(1)));
      String tag = RuleScript.tag(r);
      assertThat(e.keyOf("u1", r, "org}{7")).isEqualTo("sl{org%7D{7}u1:" + tag + ":a");
      assertThat(e.keyOf("u1", r, "")).isEqualTo("sl{%}u1:" + tag + ":a");
      assertThat(e.keyOf("u1", r, null)).isEqualTo("sl{u1}:" + tag);
      assertThat(SlotHash.getSlot(e.keyOf("x}y", r, "org}{7")))
          .isEqualTo(SlotHash.getSlot(e.keyOf("z", r, "org}{7")));
      // A client key that mimics an affinity key cannot collide with one.
      assertThat(e.keyOf("org%7D{7}u1:" + tag + ":a", r, null))
          .isNotEqualTo(e.keyOf("u1", r, "org}{7"));
    }
  }

  /** An org key whose slot comes after the global key's, so the global group is reserved first. */
  private static String orgAfterGlobal(RedisEngine e, Rule org, Rule global) {
    int globalSlot = SlotHash.getSlot(e.keyOf("all", global));
    for (int i = 0; i < 1_000_000; i++) {
      String orgKey = "acme" + i;
      int slot = SlotHash.getSlot(e.keyOf(orgKey, org, orgKey));
      if (slot > globalSlot || (globalSlot == 16383 && slot != globalSlot)) {
        return orgKey;
      }
    }
    throw new AssertionError("no org key on another slot");
  }

  private static long pct(long[] sorted, int p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)];
  }
}
