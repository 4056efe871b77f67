/**
 * The conformance suite: the contracts every engine passes, one interface of default test
 * methods per concern, gathered by {@link dev.sluice.tck.AbstractRateLimiterConformanceTest},
 * which an engine's test subclasses with a factory of fresh engines. A new engine is added by
 * passing it, nothing else.
 *
 * <h2>Capability flags</h2>
 *
 * <p>An engine passes the suite for what it claims, its {@link dev.sluice.tck.EngineCapabilities}:
 *
 * <ul>
 *   <li><b>algorithms</b>: the ones its limiters accept (the synced engine: fixed window and
 *       sliding window counter; the leased engine: fixed window and token bucket);
 *   <li><b>accuracy</b>: {@code EXACT} (every decision equals the reference models', field for
 *       field: the in-memory, Redis, regional and, alone, synced engines), {@code
 *       NEVER_OVER_ADMITS} (admits at most what the models would on the same admitted history and
 *       may admit less: the leased engine) or {@code BOUNDED} (may admit up to a documented
 *       number of units over a limit per sync interval);
 *   <li><b>caller's clock</b>: whether it decides at any timestamp a caller passes (replays), or
 *       only near its own clock (the leased engine, whose leases belong to its clock's windows);
 *   <li><b>sync interval</b>: for an engine that exchanges state in rounds, how often; the
 *       contracts that move the clock run a round ({@link dev.sluice.tck.ConformanceFixture#sync})
 *       once per interval.
 * </ul>
 *
 * <p>Each contract declares what it needs with {@link dev.sluice.tck.Requires} (on the interface,
 * on a test, and through its arguments: an algorithm, a limit or a rule); a test that needs more
 * than the engine claims is skipped, naming what is missing, and a test that holds for every
 * engine ({@code exact = false}) asserts the claimed bound instead of exactness
 * ({@link dev.sluice.tck.AdmissionBoundsContract}). What needs several instances sharing state
 * (the bounds of the synced and leased engines across instances) is tested in the engine's module.
 */
package dev.sluice.tck;
