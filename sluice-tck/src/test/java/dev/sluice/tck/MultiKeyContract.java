package dev.sluice.tck;

import static dev.sluice.tck.ConformanceFixture.allowed;
import static dev.sluice.tck.ConformanceFixture.denied;
import static dev.sluice.tck.ConformanceFixture.micros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.InMemoryEngine;
import dev.sluice.KeyedCheck;
import dev.sluice.Limit;
import dev.sluice.MultiDecision;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.tck.model.ReferenceEngine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Multi-key checks ({@link RateLimiterEngine#checkAll}), as "Multi-key checks" in
 * docs/algorithms.md specifies them: all or nothing, each part described as if decided alone,
 * the reported part picked like a rule's reported limit.
 */
public interface MultiKeyContract extends ConformanceFixture {

  /** Random multi-key steps per seed of the model-based test. */
  int MULTI_STEPS = 400;

  private RateLimiter user() {
    return engine().limiter(Rule.of("user", Limit.fixedWindow(5, micros(100))));
  }

  private RateLimiter org() {
    return engine().limiter(Rule.of("org", Limit.fixedWindow(3, micros(100))));
  }

  @Requires(algorithms = Algorithm.FIXED_WINDOW)
  @Test
  default void checkAll_whenEveryPartAdmitsConsumesEveryPart() {
    RateLimiter user = user();
    RateLimiter org = org();
    MultiDecision d = engine().checkAll(List.of(KeyedCheck.of(user, "u1", 1),
        KeyedCheck.of(org, "o1", 2)), 0);
    assertThat(d.allowed()).isTrue();
    assertThat(d.degraded()).isFalse();
    assertThat(d.parts()).containsExactly(allowed(5, 4, 100), allowed(3, 1, 100));
    assertThat(d.reported()).isEqualTo(1);
    assertThat(d.reportedDecision()).isEqualTo(allowed(3, 1, 100));
    // Both were consumed: the single checks see it.
    assertThat(user.check("u1", 1, 1)).isEqualTo(allowed(5, 3, 100));
    assertThat(org.check("o1", 1, 1)).isEqualTo(allowed(3, 0, 100));
  }

  @Requires(algorithms = Algorithm.FIXED_WINDOW)
  @Test
  default void checkAll_whenAnyPartDeniesConsumesNothing() {
    RateLimiter user = user();
    RateLimiter org = org();
    assertThat(org.check("o1", 3, 0).allowed()).isTrue();
    MultiDecision d = engine().checkAll(List.of(KeyedCheck.of(user, "u1", 2),
        KeyedCheck.of(org, "o1", 1)), 10);
    assertThat(d.allowed()).isFalse();
    // The user part would admit: it says so, with the permits it has now (nothing consumed).
    assertThat(d.parts()).containsExactly(allowed(5, 5, 10), denied(3, 0, 100, 90));
    assertThat(d.reported()).isEqualTo(1);
    assertThat(user.check("u1", 1, 11)).isEqualTo(allowed(5, 4, 100));
    // The first part denying consumes nothing from the later ones either.
    MultiDecision first = engine().checkAll(List.of(KeyedCheck.of(org, "o1", 1),
        KeyedCheck.of(user, "u2", 1)), 20);
    assertThat(first.parts()).containsExactly(denied(3, 0, 100, 80), allowed(5, 5, 20));
    assertThat(user.check("u2", 5, 21).allowed()).isTrue();
  }

  @Requires(algorithms = {Algorithm.TOKEN_BUCKET, Algorithm.SLIDING_WINDOW_LOG, Algorithm.GCRA,
      Algorithm.SLIDING_WINDOW_COUNTER})
  @Test
  default void checkAll_partsAreTheDecisionsEachRuleMakesAlone() {
    Rule a = Rule.of("a", Limit.tokenBucket(10, micros(100)).withBurst(4),
        Limit.slidingWindowLog(3, micros(50)));
    Rule b = Rule.of("b", Limit.gcra(2, micros(100)).withBurst(2),
        Limit.slidingWindowCounter(6, micros(100)));
    RateLimiter ra = engine().limiter(a);
    RateLimiter rb = engine().limiter(b);
    ReferenceEngine alone = new ReferenceEngine(clock());
    RateLimiter xa = alone.limiter(a);
    RateLimiter xb = alone.limiter(b);
    for (long t = 0; t < 400; t += 7) {
      MultiDecision d = engine().checkAll(List.of(KeyedCheck.of(ra, "k", 1),
          KeyedCheck.of(rb, "k", 1)), t);
      // Whenever the whole is admitted, each part is exactly its rule's single decision.
      if (d.allowed()) {
        assertThat(d.parts()).as("t=%d", t).containsExactly(xa.check("k", 1, t),
            xb.check("k", 1, t));
      } else {
        for (int i = 0; i < 2; i++) {
          // A denying part is its rule's denial (which consumes nothing, alone too).
          Decision part = d.parts().get(i);
          if (!part.allowed()) {
            RateLimiter single = i == 0 ? xa : xb;
            assertThat(part).as("t=%d part %d", t, i).isEqualTo(single.check("k", 1, t));
          }
        }
      }
    }
  }

  @Requires(algorithms = Algorithm.FIXED_WINDOW)
  @Test
  default void checkAll_reportsTheDeniedPartThatFreesLastElseTheFewestRemaining() {
    RateLimiter fast = engine().limiter(Rule.of("fast", Limit.fixedWindow(1, micros(10))));
    RateLimiter slow = engine().limiter(Rule.of("slow", Limit.fixedWindow(1, micros(1000))));
    RateLimiter wide = engine().limiter(Rule.of("wide", Limit.fixedWindow(9, micros(1000))));
    MultiDecision first = engine().checkAll(List.of(KeyedCheck.of(wide, "k", 1),
        KeyedCheck.of(fast, "k", 1), KeyedCheck.of(slow, "k", 1)), 0);
    // fast and slow both end with 0 remaining: slow resets later.
    assertThat(first.allowed()).isTrue();
    assertThat(first.reported()).isEqualTo(2);
    MultiDecision both = engine().checkAll(List.of(KeyedCheck.of(wide, "k", 1),
        KeyedCheck.of(fast, "k", 1), KeyedCheck.of(slow, "k", 1)), 5);
    assertThat(both.parts()).containsExactly(allowed(9, 8, 1000), denied(1, 0, 10, 5),
        denied(1, 0, 1000, 995));
    assertThat(both.reported()).isEqualTo(2);
    // Ties go to the first part.
    RateLimiter twin = engine().limiter(Rule.of("twin", Limit.fixedWindow(1, micros(10))));
    MultiDecision tie = engine().checkAll(List.of(KeyedCheck.of(twin, "x", 1),
        KeyedCheck.of(fast, "x", 1)), 0);
    assertThat(tie.reported()).isZero();
    MultiDecision tieDenied = engine().checkAll(List.of(KeyedCheck.of(twin, "x", 1),
        KeyedCheck.of(fast, "x", 1)), 1);
    assertThat(tieDenied.parts()).containsExactly(denied(1, 0, 10, 9), denied(1, 0, 10, 9));
    assertThat(tieDenied.reported()).isZero();
    // NEVER beats any wait.
    MultiDecision never = engine().checkAll(List.of(KeyedCheck.of(slow, "y", 1),
        KeyedCheck.of(wide, "y", 10)), 0);
    assertThat(never.reported()).isEqualTo(1);
    assertThat(never.reportedDecision().neverAllowed()).isTrue();
    assertThat(never.parts().get(0)).isEqualTo(allowed(1, 1, 0));
  }

  @Requires(algorithms = Algorithm.FIXED_WINDOW, exact = false, callerClock = false)
  @Test
  default void checkAll_rejectsEmptyOversizedDuplicateAndForeignChecks() {
    RateLimiter user = user();
    assertThatThrownBy(() -> engine().checkAll(List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> engine().checkAll(null, 0))
        .isInstanceOf(IllegalArgumentException.class);
    List<KeyedCheck> many = new ArrayList<>();
    for (int i = 0; i <= KeyedCheck.MAX_CHECKS; i++) {
      many.add(KeyedCheck.of(user, "u" + i, 1));
    }
    assertThatThrownBy(() -> engine().checkAll(many, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Integer.toString(KeyedCheck.MAX_CHECKS));
    if (exactAtCallerTimes()) {
      assertThat(engine().checkAll(many.subList(0, KeyedCheck.MAX_CHECKS), 0).allowed())
          .isTrue();
    }
    // Equal rules are one rule, whichever limiter names them.
    RateLimiter again = user();
    assertThatThrownBy(() -> engine().checkAll(List.of(KeyedCheck.of(user, "dup-key", 1),
        KeyedCheck.of(org(), "dup-key", 1), KeyedCheck.of(again, "dup-key", 2)), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user").hasMessageContaining("dup-key");
    try (InMemoryEngine other = InMemoryEngine.create()) {
      RateLimiter foreign = other.limiter(Rule.of("user", Limit.fixedWindow(5, micros(100))));
      assertThatThrownBy(() -> engine().checkAll(List.of(KeyedCheck.of(foreign, "u", 1)), 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> engine().checkAll(List.of(KeyedCheck.of(user, "u", 1)), -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyedCheck.of(user, null, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KeyedCheck.of(user, "u", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> KeyedCheck.of(null, "u", 1))
        .isInstanceOf(IllegalArgumentException.class);
    if (exactAtCallerTimes()) {
      // Nothing was consumed by the rejected calls.
      assertThat(user.check("dup-key", 1, 1)).isEqualTo(allowed(5, 4, 100));
    }
    // The async form fails its stage instead of throwing.
    assertThatThrownBy(() -> engine().checkAllAsync(List.of()).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Requires(algorithms = Algorithm.FIXED_WINDOW)
  @Test
  default void checkAll_withAffinityIsAllOrNothingAndKeepsItsState() {
    RateLimiter user = user();
    RateLimiter org = org();
    // Keys and affinities with braces must not break a backend's co-location.
    String orgKey = "o}{x";
    List<KeyedCheck> request = List.of(new KeyedCheck(user, "u{1}", 1, orgKey),
        new KeyedCheck(org, orgKey, 1, orgKey));
    for (long t = 0; t < 3; t++) {
      assertThat(engine().checkAll(request, t).parts()).as("t=%d", t)
          .containsExactly(allowed(5, 4 - t, 100), allowed(3, 2 - t, 100));
    }
    MultiDecision d = engine().checkAll(request, 3);
    assertThat(d.parts()).containsExactly(allowed(5, 2, 100), denied(3, 0, 100, 97));
    // Another user of the org is denied by the org, with its own state untouched.
    MultiDecision other = engine().checkAll(List.of(new KeyedCheck(user, "u2", 1, orgKey),
        new KeyedCheck(org, orgKey, 1, orgKey)), 4);
    assertThat(other.parts()).containsExactly(allowed(5, 5, 4), denied(3, 0, 100, 96));
    // Mixed: a part without affinity with parts that have one.
    RateLimiter global = engine().limiter(Rule.of("global", Limit.fixedWindow(2, micros(100))));
    MultiDecision mixed = engine().checkAll(List.of(new KeyedCheck(user, "u3", 1, "o2"),
        new KeyedCheck(org, "o2", 1, "o2"), KeyedCheck.of(global, "all", 2)), 100);
    assertThat(mixed.parts()).containsExactly(allowed(5, 4, 200), allowed(3, 2, 200),
        allowed(2, 0, 200));
    MultiDecision mixedDenied = engine().checkAll(List.of(new KeyedCheck(user, "u3", 1, "o2"),
        new KeyedCheck(org, "o2", 1, "o2"), KeyedCheck.of(global, "all", 1)), 101);
    assertThat(mixedDenied.parts()).containsExactly(allowed(5, 4, 200), allowed(3, 2, 200),
        denied(2, 0, 200, 99));
    assertThat(engine().checkAll(List.of(new KeyedCheck(user, "u3", 4, "o2"),
        new KeyedCheck(org, "o2", 2, "o2")), 102).parts())
        .containsExactly(allowed(5, 0, 200), allowed(3, 0, 200));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("dev.sluice.tck.TckSeeds#seeds")
  default void checkAll_agreesWithTheReferenceModelOnRandomChecks(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ReferenceEngine model = new ReferenceEngine(clock());
    // Drawn from what the engine supports: for all five, the same draws as ever.
    List<Algorithm> algorithms = capabilities().algorithmList();
    int rules = random.nextInt(1, 4);
    List<RateLimiter> mine = new ArrayList<>();
    List<RateLimiter> theirs = new ArrayList<>();
    boolean[] withAffinity = new boolean[rules];
    for (int r = 0; r < rules; r++) {
      List<Limit> limits = new ArrayList<>();
      for (int i = random.nextInt(1, 3); i > 0; i--) {
        Algorithm a = algorithms.get(random.nextInt(algorithms.size()));
        Limit l = Limit.of(a, random.nextLong(1, 7), micros(random.nextLong(10, 300)));
        if (a == Algorithm.TOKEN_BUCKET || a == Algorithm.GCRA) {
          l = l.withBurst(random.nextLong(1, 7));
        }
        limits.add(l);
      }
      Rule rule = new Rule("r" + r, limits);
      mine.add(engine().limiter(rule));
      theirs.add(model.limiter(rule));
      withAffinity[r] = random.nextBoolean();
    }
    long t = CLOCK_START;
    List<String> log = new ArrayList<>();
    for (int step = 0; step < MULTI_STEPS; step++) {
      t += random.nextInt(3) == 0 ? 0 : random.nextLong(0, 40);
      List<Integer> picks = new ArrayList<>();
      for (int i = 0; i < rules * 3; i++) {
        picks.add(i);
      }
      Collections.shuffle(picks, new java.util.Random(random.nextLong()));
      int n = random.nextInt(1, Math.min(5, picks.size()) + 1);
      List<KeyedCheck> a = new ArrayList<>();
      List<KeyedCheck> b = new ArrayList<>();
      for (int p : picks.subList(0, n)) {
        int r = p / 3;
        String key = "k" + p % 3;
        // One affinity per (rule, key), as callers must keep it.
        String affinity = withAffinity[r] ? "g" + (p % 3) % 2 : null;
        long cost = random.nextInt(4) == 0 ? random.nextLong(1, 5) : 1;
        a.add(new KeyedCheck(mine.get(r), key, cost, affinity));
        b.add(new KeyedCheck(theirs.get(r), key, cost, affinity));
      }
      log.add(t + ": " + a.stream().map(c -> c.limiter().rule().id() + "/" + c.key() + "/"
          + c.cost()).toList());
      if (log.size() > 20) {
        log.remove(0);
      }
      if (n == 1 && a.get(0).affinity() == null && random.nextBoolean()) {
        // Single checks share the state of multi-key checks without affinity.
        KeyedCheck c = a.get(0);
        assertThat(c.limiter().check(c.key(), c.cost(), t))
            .as("seed %d step %d, last steps %s", seed, step, log)
            .isEqualTo(b.get(0).limiter().check(c.key(), c.cost(), t));
        continue;
      }
      assertThat(engine().checkAll(a, t)).as("seed %d step %d, last steps %s", seed, step, log)
          .isEqualTo(model.checkAll(b, t));
    }
  }

  @Requires(algorithms = {Algorithm.FIXED_WINDOW, Algorithm.TOKEN_BUCKET})
  @Test
  default void checkAll_racingThreadsNeverExceedTheOrgLimitNorChargeDeniedUsers()
      throws Exception {
    int threads = 8;
    int usersPerThread = 4;
    long orgPermits = 60;
    RateLimiter user = engine().limiter(Rule.of("user", Limit.fixedWindow(1_000,
        Duration.ofSeconds(1))));
    RateLimiter org = engine().limiter(Rule.of("org", Limit.tokenBucket(orgPermits,
        Duration.ofSeconds(1)), Limit.fixedWindow(orgPermits, Duration.ofSeconds(1))));
    long t = CLOCK_START;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<long[]>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int thread = i;
        results.add(pool.submit(() -> {
          long[] admitted = new long[usersPerThread];
          for (int j = 0; j < 40; j++) {
            int u = j % usersPerThread;
            String key = "u" + thread + "-" + u;
            MultiDecision d = engine().checkAll(List.of(new KeyedCheck(user, key, 1, "acme"),
                new KeyedCheck(org, "acme", 1, "acme")), t);
            assertThat(d.allowed()).isEqualTo(d.parts().get(1).allowed());
            if (d.allowed()) {
              admitted[u]++;
            }
          }
          return admitted;
        }));
      }
      long total = 0;
      for (int i = 0; i < threads; i++) {
        long[] admitted = results.get(i).get(60, TimeUnit.SECONDS);
        for (int u = 0; u < usersPerThread; u++) {
          total += admitted[u];
          // A user is charged exactly for its admitted requests.
          MultiDecision probe = engine().checkAll(
              List.of(new KeyedCheck(user, "u" + i + "-" + u, 1, "acme")), t);
          assertThat(probe.reportedDecision().remaining()).isEqualTo(1_000 - admitted[u] - 1);
        }
      }
      assertThat(total).isEqualTo(orgPermits);
    } finally {
      pool.shutdownNow();
    }
  }
}
