package dev.sluice.tck;

import dev.sluice.ManualTimeSource;
import dev.sluice.RateLimiterEngine;
import dev.sluice.TimeSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Sluice conformance suite: every backend runs it unchanged and must pass every assertion,
 * because {@code docs/algorithms.md} is a bit-for-bit contract.
 *
 * <p>The suite is the sum of its contracts, one interface of default test methods per concern:
 * the hand-computed cases of every algorithm, kept as data ({@link HandComputedContract}), what
 * they cannot say (the algorithms' long runs and computed timestamps: {@link FixedWindowContract},
 * {@link TokenBucketContract}, {@link GcraContract}), the rules common to all
 * ({@link CommonRulesContract}), the edge cases of the seed implementation
 * ({@link SeedEdgeCasesContract}), rules of several limits ({@link MultiLimitContract}), seeded
 * random runs against the reference models ({@link ModelBasedContract}) and threads racing on one
 * key ({@link ConcurrencyContract}), and the bound every engine keeps under random traffic
 * ({@link AdmissionBoundsContract}). Each test gets a fresh engine on a {@link ManualTimeSource}
 * that starts at {@link ConformanceFixture#CLOCK_START}; most tests pass explicit timestamps.
 *
 * <h2>Capabilities</h2>
 *
 * <p>An engine passes the suite for what it claims, in {@link #capabilities()}
 * ({@link EngineCapabilities}): the algorithms it supports; its accuracy, exact (every decision
 * equal to the models', field for field), never over-admitting (admits at most what the models
 * would and may admit less), or bounded (at most a documented number of units over a limit per
 * sync interval); whether it decides at a caller's timestamps or only near its own clock; and
 * its sync interval, for an engine that exchanges state in rounds ({@link #sync()} runs one).
 * Each contract says what it needs with {@link Requires}; a test the engine's claim does not
 * cover is skipped with the missing capability named, and the contracts that run on every engine
 * assert the claimed bound instead of exactness. The default claim is everything, exact: the
 * in-memory and Redis engines pass every test unchanged.
 *
 * <h2>Running it for a backend</h2>
 *
 * <p>Depend on the suite's test-jar, with JUnit and AssertJ, in test scope (versions come from
 * the parent POM):
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.sluice</groupId>
 *   <artifactId>sluice-tck</artifactId>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * <dependency>
 *   <groupId>org.junit.jupiter</groupId>
 *   <artifactId>junit-jupiter</artifactId>
 *   <scope>test</scope>
 * </dependency>
 * <dependency>
 *   <groupId>org.assertj</groupId>
 *   <artifactId>assertj-core</artifactId>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * <p>and subclass this class in the backend's test sources, returning a fresh, empty engine on the
 * given time source (for a server backend: a new key prefix or a flushed database per test):
 *
 * <pre>{@code
 * class RedisEngineConformanceTest extends AbstractRateLimiterConformanceTest {
 *   @Override
 *   protected RateLimiterEngine newEngine(TimeSource timeSource) {
 *     return RedisEngine.builder(redis.uri()).timeSource(timeSource)
 *         .keyPrefix("tck:" + UUID.randomUUID() + ":").build();
 *   }
 * }
 * }</pre>
 *
 * <p>Override {@link #capabilities()} for an engine that claims less than everything, exact,
 * and {@link #sync()} for one with rounds. Override {@link #closeEngine} when closing the engine
 * is not all the cleanup a test needs, and {@link #longRunSteps} when a million requests in one
 * test is too many for the backend.
 * A failing model-based test names its seed; rerun just that one with
 * {@code -Dsluice.tck.seed=<seed>}.
 *
 * <p>The suite assumes the engine's eviction grace is at least one second (the default): its
 * random runs send timestamps up to one second older than the newest one seen.
 */
@ExtendWith(CapabilityGate.class)
public abstract class AbstractRateLimiterConformanceTest implements FixedWindowContract,
    HandComputedContract, TokenBucketContract, GcraContract,
    CommonRulesContract, SeedEdgeCasesContract, MultiLimitContract, MultiKeyContract,
    ModelBasedContract, ConcurrencyContract, AdmissionBoundsContract {

  private ManualTimeSource clock;
  private RateLimiterEngine engine;

  /**
   * Returns a fresh engine with no state, reading "now" from {@code timeSource}; called once
   * before each test.
   */
  protected abstract RateLimiterEngine newEngine(TimeSource timeSource);

  /** Releases an engine made by {@link #newEngine} after its test; by default closes it. */
  protected void closeEngine(RateLimiterEngine engine) {
    engine.close();
  }

  @BeforeEach
  final void createEngine() {
    clock = TimeSource.manual(CLOCK_START);
    engine = newEngine(clock);
  }

  @AfterEach
  final void releaseEngine() {
    if (engine != null) {
      closeEngine(engine);
    }
  }

  @Override
  public final RateLimiterEngine engine() {
    return engine;
  }

  @Override
  public final ManualTimeSource clock() {
    return clock;
  }
}
