/**
 * Steps one and five of a check: the HTTP surface. {@link dev.sluice.server.http.HttpApi} routes
 * requests to what serves them: {@link dev.sluice.server.http.CheckRoutes} (single checks and
 * batches, bodies parsed by {@link dev.sluice.server.http.CheckRequest}),
 * {@link dev.sluice.server.http.RulesRoutes} (the rules API, its admin token and If-Match),
 * {@link dev.sluice.server.http.HealthRoutes} (health, readiness, metrics) and
 * {@link dev.sluice.server.http.ConsoleRoutes} (the stats API and the console). The answers'
 * headers and problems come from {@code sluice-frontend}.
 */
package dev.sluice.server.http;
