/**
 * The shared test harness: real {@code redis-server} processes (standalone, Sentinel, Cluster;
 * {@link dev.sluice.testkit.RedisServers}) and real PostgreSQL ({@link dev.sluice.testkit.Postgres})
 * on free ports, each started once per test JVM where tests can share it. Used by every module's
 * tests as a test-scope dependency; never by production code.
 */
package dev.sluice.testkit;
