package dev.sluice.redis.tck;

import dev.sluice.redis.Servers.Kind;
import dev.sluice.redis.Servers.OnRedis;

/** The conformance suite, unchanged, on a consistent-hash ring over 3 real standalone servers. */
@OnRedis(Kind.RING)
class ShardedRingConformanceTest extends RedisConformanceTest {}
