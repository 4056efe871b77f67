/**
 * Sluice as a rate-limiting reverse proxy: {@link dev.sluice.gateway.SluiceGateway} runs the
 * shared pipeline (identity, rules, engine) in front of routed upstreams with load balancing,
 * active and passive health, retries, timeouts and adaptive shedding by priority tier;
 * {@link dev.sluice.gateway.GatewayConfig} is its configuration. The request flow is in
 * {@code ProxyHandler}, one method per step. See docs/gateway.md.
 */
package dev.sluice.gateway;
