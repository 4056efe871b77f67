/**
 * Load balancing: {@link dev.sluice.gateway.balance.Balancer} picks the host of one request
 * among an upstream's usable {@link dev.sluice.gateway.balance.UpstreamHost hosts}, by one of the
 * {@link dev.sluice.gateway.balance.BalancerKind algorithms}.
 */
package dev.sluice.gateway.balance;
