/**
 * Envoy's rate limit service (RLS v3) for Sluice: {@link dev.sluice.grpc.RlsServer} serves
 * {@code envoy.service.ratelimit.v3.RateLimitService/ShouldRateLimit} over gRPC, reads
 * envoyproxy/ratelimit's YAML configuration files as they are (plus Sluice's extensions), and
 * decides through any {@link dev.sluice.RateLimiterEngine}. {@link dev.sluice.grpc.RlsConfig}
 * configures it. Everything else in this package is package-private: the config parser and
 * directory watcher, the descriptor matcher (in the service), the decider and the metrics.
 */
package dev.sluice.grpc;
