/**
 * Benchmarks of the Redis engine against its ceiling ({@code redis-benchmark} running the same
 * script) and its peers (Bucket4j's Lettuce backend, Redisson's {@code RRateLimiter}): see
 * {@code docs/benchmarks.md ("Redis engine")} and {@code docs/benchmarks-redis.md}.
 *
 * <p>Needs, in the {@code sluice-benchmarks} POM: {@code dev.sluice:sluice-redis} and
 * {@code com.bucket4j:bucket4j_jdk17-lettuce} (versions managed by the parent).
 */
package dev.sluice.bench.redis;
