package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.redis.link.Script;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential, model-based: the check script built for a rule's shape (fast path, then the
 * library) against the library alone ({@link CheckScripts#CHECK}), on two keys that start equal,
 * step by step from a printed seed. Every reply must describe the same decision, and after every
 * step both keys must hold the same bytes and the same TTL: the fast path is an optimisation of
 * the library, never a second semantics.
 */
class FastPathEquivalenceTest {
  private static final String HEX = "local v = redis.call('GET', KEYS[1]) if not v then return"
      + " 'absent' end return (string.gsub(v, '.', function(c) return string.format('%02x',"
      + " string.byte(c)) end))";

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void shapeScript_decidesAndWritesAsTheLibrary(long seed) {
    run(seed, false);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {101, 102, 103, 104})
  void shapeScript_decidesAndWritesAsTheLibraryNearTheLargestValues(long seed) {
    run(seed, true);
  }

  @Test
  void commonShapes_areDecidedOnTheFastPath() {
    RedisProcess redis = RedisServers.shared();
    Rule rule = Rule.of("fast", Limit.tokenBucket(100, java.time.Duration.ofSeconds(1)),
        Limit.fixedWindow(1000, java.time.Duration.ofMinutes(1)),
        Limit.gcra(100, java.time.Duration.ofSeconds(1)).withBurst(10),
        Limit.of(dev.sluice.Algorithm.SLIDING_WINDOW_COUNTER, 50, java.time.Duration.ofSeconds(1)));
    RuleScript script = new RuleScript(rule);
    assertThat(script.check()).isNotSameAs(CheckScripts.CHECK);
    String key = "fp:" + UUID.randomUUID();
    List<?> allowed = eval(redis, script.check(), key, script.args(1_700_000_000_000_000L, 1, 0));
    List<?> denied = eval(redis, script.check(), key, script.args(1_700_000_000_000_001L, 11, 0));
    assertThat(allowed).as("allowed reply of the fast path").hasSize(5);
    assertThat(denied).as("denied reply of the fast path").hasSize(6);
  }

  @Test
  void rulesOfAFastShape_areCompiledWithTheirParameters_upToTheBound() {
    Rule rule = Rule.of("compiled", Limit.tokenBucket(100, java.time.Duration.ofSeconds(1)));
    RuleScript script = new RuleScript(rule);
    assertThat(script.compiled()).isTrue();
    assertThat(script.args(5, 1, 0)).containsExactly("5", "1", "0");
    assertThat(script.check().text()).doesNotContain("tonumber(ARGV[5 + 1])")
        .contains("local ARGV = { ARGV[1], ARGV[2], ARGV[3], '1', '4', '100', '1', '10000' }");
    assertThat(new RuleScript(rule).check()).as("one script per rule").isSameAs(script.check());
    List<dev.sluice.Algorithm> shape = List.of(dev.sluice.Algorithm.TOKEN_BUCKET);
    int count = CheckScripts.compiledCount();
    assertThat(CheckScripts.compiled(shape, new String[] {"1", "4", "7", "1", "3"}, count))
        .as("a new rule beyond the bound is not compiled").isNull();
    assertThat(CheckScripts.compiled(shape, script.limitArgs(), count))
        .as("a compiled rule stays compiled").isSameAs(script.check());
    assertThat(CheckScripts.compiledCount()).isEqualTo(count);
    Rule log = Rule.of("log", Limit.of(dev.sluice.Algorithm.SLIDING_WINDOW_LOG, 5,
        java.time.Duration.ofSeconds(1)));
    assertThat(new RuleScript(log).compiled()).as("no fast path, nothing to compile").isFalse();
    assertThat(new RuleScript(log).args(5, 1, 0)).hasSize(3 + 4);
  }

  private void run(long seed, boolean huge) {
    System.out.println("FastPathEquivalenceTest seed " + seed + " huge=" + huge);
    SplittableRandom r = new SplittableRandom(seed);
    RedisProcess redis = RedisServers.shared();
    for (int round = 0; round < 12; round++) {
      Rule rule;
      while (true) {
        try {
          rule = RedisEquivalenceTest.randomRule(r, huge);
          break;
        } catch (IllegalArgumentException beyond2To61) {
          // a limit Limit itself rejects: draw another
        }
      }
      RuleScript script = new RuleScript(rule);
      Script shapeScript = CheckScripts.check(
          rule.limits().stream().map(Limit::algorithm).toList());
      String fast = "fp:" + UUID.randomUUID();
      String shape = "fp:" + UUID.randomUUID();
      String exact = "fp:" + UUID.randomUUID();
      long t = RedisEquivalenceTest.randomStart(r, huge);
      for (int i = 0; i < 150; i++) {
        t = RedisEquivalenceTest.randomStep(r, t, huge);
        t = Math.max(0, Math.min(t, Limit.MAX_TIME));
        long cost = r.nextInt(8) == 0 ? 1 + r.nextInt(20) : 1 + r.nextInt(2);
        String[] full = script.fullArgs(t, cost, 60_000);
        String step = "seed " + seed + " rule " + rule + " step " + i + " cost " + cost + " t " + t;
        long start = System.nanoTime();
        // the rule's own script (its parameters compiled in when it is compiled), the shape's
        // script with the parameters in ARGV, and the library alone
        long[] got = fields(eval(redis, script.check(), fast, script.args(t, cost, 60_000)));
        long[] gotShape = fields(eval(redis, shapeScript, shape, full));
        long[] want = fields(eval(redis, CheckScripts.CHECK, exact, full));
        assertThat(got).as(step).containsExactly(want);
        assertThat(gotShape).as(step + " (shape script)").containsExactly(want);
        Object state = redis.call("EVAL", HEX, "1", exact);
        assertThat(redis.call("EVAL", HEX, "1", fast)).as(step + " (state)").isEqualTo(state);
        assertThat(redis.call("EVAL", HEX, "1", shape)).as(step + " (state, shape script)")
            .isEqualTo(state);
        if (got[0] == 1) {
          // the keys were just written with a TTL; they differ by the wall time between the
          // writes and between the reads, all within this step's elapsed time
          long ttlExact = (Long) redis.call("PTTL", exact);
          long ttlFast = (Long) redis.call("PTTL", fast);
          long ttlShape = (Long) redis.call("PTTL", shape);
          // measured after the last read: every write and read lies within it
          long elapsedMs = (System.nanoTime() - start) / 1_000_000 + 2;
          assertThat(Math.abs(ttlFast - ttlExact)).as(step + " (TTL " + ttlFast + " against "
              + ttlExact + ")").isLessThanOrEqualTo(elapsedMs);
          assertThat(Math.abs(ttlShape - ttlExact)).as(step + " (TTL of the shape script's key "
              + ttlShape + " against " + ttlExact + ")").isLessThanOrEqualTo(elapsedMs);
        }
      }
    }
  }

  private static List<?> eval(RedisProcess redis, Script script, String key, String[] args) {
    List<String> cmd = new ArrayList<>(List.of("EVAL", script.text(), "1", key));
    cmd.addAll(List.of(args));
    return (List<?>) redis.call(cmd.toArray(String[]::new));
  }

  /**
   * {allowed, index, remaining, resetAt, allowedAt (denied only), t} from either reply form, with
   * the exact form's base-and-delta times added up (as ScriptedRateLimiter does).
   */
  private static long[] fields(List<?> r) {
    long[] v = new long[r.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (Long) r.get(i);
    }
    if (v.length == 10) {
      long reset = v[3] == -1 ? -1 : v[3] + (v[4] << 32) + v[5];
      long at = v[6] == -1 ? -1 : v[6] + (v[7] << 32) + v[8];
      return v[0] == 1 ? new long[] {1, v[1], v[2], reset, v[9]}
          : new long[] {0, v[1], v[2], reset, at, v[9]};
    }
    return v;
  }
}
