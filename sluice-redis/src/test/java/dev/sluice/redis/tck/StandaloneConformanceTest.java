package dev.sluice.redis.tck;

import dev.sluice.redis.Servers.Kind;
import dev.sluice.redis.Servers.OnRedis;

/** The conformance suite, unchanged, on a real standalone redis-server. */
@OnRedis(Kind.STANDALONE)
class StandaloneConformanceTest extends RedisConformanceTest {}
