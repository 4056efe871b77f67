package dev.sluice.redis.tck;

import dev.sluice.redis.Servers.Kind;
import dev.sluice.redis.Servers.OnRedis;

/** The conformance suite, unchanged, on a master found through real sentinels. */
@OnRedis(Kind.SENTINELS)
class SentinelConformanceTest extends RedisConformanceTest {}
