/**
 * Rate limits for any Servlet 6 container: {@link dev.sluice.servlet.SluiceFilter} over the
 * decision pipeline, configured from a {@code sluice.yaml} ({@link dev.sluice.servlet.SluiceYaml})
 * or with a pipeline; {@link dev.sluice.servlet.ServletDecisions} holds the steps other
 * servlet-based integrations reuse.
 */
package dev.sluice.servlet;
