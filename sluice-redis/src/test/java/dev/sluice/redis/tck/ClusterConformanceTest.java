package dev.sluice.redis.tck;

import dev.sluice.redis.Servers.Kind;
import dev.sluice.redis.Servers.OnRedis;

/** The conformance suite, unchanged, on a real Redis Cluster of 3 masters with replicas. */
@OnRedis(Kind.CLUSTER)
class ClusterConformanceTest extends RedisConformanceTest {}
