/**
 * The HTTP answers every HTTP front end gives alike:
 * {@link dev.sluice.frontend.http.RateLimitHeaders} derives the rate-limit fields from a decision
 * and {@link dev.sluice.frontend.http.Problem} writes every error as RFC 9457 problem JSON.
 */
package dev.sluice.frontend.http;
