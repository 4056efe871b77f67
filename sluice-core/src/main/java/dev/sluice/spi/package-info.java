/**
 * The service provider interface for engines: an {@link dev.sluice.spi.EngineProvider} reads its
 * configuration section ({@link dev.sluice.spi.ConfigSection}) and builds a
 * {@link dev.sluice.spi.ProvidedEngine}; an engine with a backend reports per-shard command
 * latencies, failures and breaker changes to the host's {@link dev.sluice.spi.EngineObserver}.
 * Front ends (the HTTP service, the Envoy RLS, the gateway) find providers with
 * {@link java.util.ServiceLoader} and never name an engine's classes, so a new engine plugs in by
 * being on the class path. An engine applies the argument checks every engine shares
 * ({@link dev.sluice.spi.Checks}) and, when it decides multi-key checks in process under
 * per-state monitors, takes them in the one order {@link dev.sluice.spi.MultiKeyChecks} gives.
 * A provider whose keys name files extends {@link dev.sluice.spi.FileKeysEngineProvider}; the
 * hashes that place keys on rings and hosts are {@link dev.sluice.spi.Hashing}'s.
 */
package dev.sluice.spi;
