/**
 * The Spring API of Sluice: {@link dev.sluice.spring.RateLimited} on bean methods and the
 * {@link dev.sluice.spring.RateLimitedException} of a denied call. The auto-configuration lives
 * in {@code dev.sluice.spring.autoconfigure}.
 */
package dev.sluice.spring;
