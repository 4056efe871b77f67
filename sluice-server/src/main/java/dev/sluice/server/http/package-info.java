/**
 * Steps one and five of a check: the HTTP surface. {@link dev.sluice.server.http.HttpApi} routes
 * requests, {@link dev.sluice.server.http.CheckRequest} parses check bodies,
 * {@link dev.sluice.frontend.http.RateLimitHeaders} derives the response headers from a decision
 * and {@link dev.sluice.frontend.http.Problem} writes every error as RFC 9457 problem JSON.
 */
package dev.sluice.server.http;
