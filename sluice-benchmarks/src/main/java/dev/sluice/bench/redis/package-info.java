/**
 * Benchmarks of the Redis backend against its ceiling ({@code redis-benchmark} running the same
 * script) and its peer (Bucket4j's Lettuce backend): see {@code docs/benchmarks.md ("Redis backend")}.
 *
 * <p>Needs, in the {@code sluice-benchmarks} POM: {@code dev.sluice:sluice-redis} and
 * {@code com.bucket4j:bucket4j_jdk17-lettuce} (versions managed by the parent).
 */
package dev.sluice.bench.redis;
