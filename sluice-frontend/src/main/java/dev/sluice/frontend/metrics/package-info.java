/** The service's Prometheus metrics, all created in {@link dev.sluice.frontend.metrics.ServerMetrics}. */
package dev.sluice.frontend.metrics;
