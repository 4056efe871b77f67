/**
 * The in-memory engine's machinery; not an API, and free to change between releases.
 *
 * <p>{@link dev.sluice.internal.LimiterTable} holds the state of one rule in segmented primitive
 * tables; one {@code Meter} per algorithm implements the arithmetic of
 * {@code docs/algorithms.md} on a row's {@code long}s ({@code GrantLog} for the sliding log);
 * {@link dev.sluice.internal.KeyHasher} turns client keys into seeded 64-bit hashes. To change an
 * algorithm, change its meter and the doc together, then run the conformance suite
 * ({@code sluice-tck}), whose reference models are written from the doc.
 */
package dev.sluice.internal;
