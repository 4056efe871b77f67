/**
 * The front-end layer every front end over the pipeline of {@code sluice-rules} shares.
 * {@link dev.sluice.frontend.FrontendRuntime} starts the metrics, the traffic statistics, the
 * {@link dev.sluice.rules.Pipeline} and Vert.x, runs the listeners and closes gracefully;
 * {@link dev.sluice.frontend.RunningFrontend} is what a running front end exposes;
 * {@link dev.sluice.frontend.EventLoopDecisions} is the decide step on an event loop;
 * {@link dev.sluice.frontend.StatsConfig} and {@link dev.sluice.frontend.FrontendSections} read
 * the configuration sections front ends share; {@link dev.sluice.frontend.StatsView} says how
 * statistics are shown; {@link dev.sluice.frontend.ServeExtension} lets another front end run
 * beside the HTTP API in {@code serve}.
 */
package dev.sluice.frontend;
