/**
 * Sluice's public API: describe limits ({@link dev.sluice.Limit}, {@link dev.sluice.Algorithm}),
 * group them into rules ({@link dev.sluice.Rule}), get a {@link dev.sluice.RateLimiter} for a
 * rule from an engine ({@link dev.sluice.InMemoryEngine}, or a backend module's), and read its
 * {@link dev.sluice.Decision}s; decide several (rule, key) checks all or nothing with
 * {@link dev.sluice.RateLimiterEngine#checkAll} ({@link dev.sluice.KeyedCheck},
 * {@link dev.sluice.MultiDecision}). Time is microseconds since the epoch, from a
 * {@link dev.sluice.TimeSource} or passed explicitly. The exact semantics are in
 * {@code docs/algorithms.md}.
 *
 * <p>Everything here is immutable or thread-safe, and every constructor and factory validates its
 * arguments, throwing {@link java.lang.IllegalArgumentException} with a message naming the bad
 * value.
 */
package dev.sluice;
