package dev.sluice.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.InMemoryEngine;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.RuleSetCodec;
import dev.sluice.rules.decide.DecisionCounters;
import dev.sluice.rules.decide.RuleBook;
import dev.sluice.rules.decide.ScopeKeys;
import dev.sluice.rules.identity.ClientIdentity;
import dev.sluice.stats.SketchConfig;
import dev.sluice.stats.TrafficStats;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the traffic statistics add to a check: the decide step ({@link RuleBook#decideBlocking} on the
 * in-memory engine) with the statistics observing it ({@code withStats}) and without
 * ({@code withoutStats}, {@link DecisionCounters#NONE}), in the same run, over 10,000 clients
 * chosen with a power-law skew (the same sequence for both); the heaviest clients exceed their
 * limit of 1000 per second, so both the allowed and the denied paths run.
 * {@code observeOnly} is the statistics' own path alone ({@code ClientTally.decided}).
 *
 * <p>Both books count nothing else (no Micrometer), so the difference is the statistics: the
 * clock read, the stripe lock, the per-second count and the buffered sketch updates (frequent
 * items twice, HLL once per check, drained every 128 checks per stripe). Run at 2 threads
 * ({@code -t 2}) for the contended case.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class TrafficStatsBenchmark {
  private static final int CLIENTS = 1 << 14;

  /** The frequent-items map size per sketch. */
  @Param({"256"})
  public int topCapacity;

  private InMemoryEngine engine;
  private RuleBook plain;
  private RuleBook observed;
  private RuleDefinition plainRule;
  private RuleDefinition observedRule;
  private DecisionCounters.ClientTally tally;
  private ScopeKeys[] keys;

  /** Per thread: where it is in the client sequence. */
  @State(Scope.Thread)
  public static class Cursor {
    int next = new SplittableRandom().nextInt(CLIENTS);
  }

  @Setup
  public void setUp() throws IOException {
    engine = InMemoryEngine.create();
    var parsed = (RuleSetCodec.Valid) RuleSetCodec.parse(new ObjectMapper().readTree("""
        {"rules": [{"id": "api", "limits": [{"window": "1s", "max": 1000}]}]}"""), 10);
    TrafficStats stats = TrafficStats.create(new SketchConfig(
        SketchConfig.DEFAULTS.period(), SketchConfig.DEFAULTS.slices(), topCapacity,
        SketchConfig.DEFAULTS.hllLgK()), System::currentTimeMillis);
    plain = new RuleBook(parsed.ruleSet(), engine, DecisionCounters.NONE);
    observed = new RuleBook(parsed.ruleSet(), engine, stats.observing(DecisionCounters.NONE));
    plainRule = plain.rule("api");
    observedRule = observed.rule("api");
    tally = stats.traffic("api-direct");
    SplittableRandom rnd = new SplittableRandom(42);
    keys = new ScopeKeys[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
      double u = rnd.nextDouble();
      int c = (int) (10_000 * u * u * u);
      keys[i] = new ScopeKeys(new ClientIdentity("ip:10.1." + (c >> 8) + "." + (c & 255),
          null, null, null), null);
    }
  }

  @TearDown
  public void tearDown() {
    engine.close();
  }

  @Benchmark
  public Object withoutStats(Cursor c) {
    return plain.decideBlocking(plainRule, keys[c.next++ & (CLIENTS - 1)], 1);
  }

  @Benchmark
  public Object withStats(Cursor c) {
    return observed.decideBlocking(observedRule, keys[c.next++ & (CLIENTS - 1)], 1);
  }

  @Benchmark
  public void observeOnly(Cursor c) {
    tally.decided(keys[c.next++ & (CLIENTS - 1)].identity().key(), 1,
        DecisionCounters.Kind.ALLOWED);
  }
}
