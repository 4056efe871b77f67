/** The service's Prometheus metrics, all created in {@link dev.sluice.server.metrics.ServerMetrics}. */
package dev.sluice.server.metrics;
