/**
 * The Redis backend of Sluice: {@link dev.sluice.redis.RedisEngine} keeps rate-limit state in
 * Redis (standalone, Sentinel, Cluster, or a client-side consistent-hash ring) and decides each
 * request with one atomic Lua call; circuit breakers, failure policies and a denial cache keep
 * outages away from callers. Design: {@code docs/redis.md}.
 */
package dev.sluice.redis;
