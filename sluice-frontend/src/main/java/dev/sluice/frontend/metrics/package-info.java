/**
 * The Prometheus metrics every front end exports, all created in
 * {@link dev.sluice.frontend.metrics.ServerMetrics}, and the traffic statistics' gauges.
 */
package dev.sluice.frontend.metrics;
