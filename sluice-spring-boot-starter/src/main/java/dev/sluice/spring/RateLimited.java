package dev.sluice.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits calls of a Spring bean's method (or of every public method of a class) by one rule of
 * the pipeline's rule set. Each call is decided before the method runs; a denied call runs the
 * {@link #fallback()} method when one is named, else throws {@link RateLimitedException}, which
 * web applications answer with 429 and the rate-limit headers.
 *
 * <p>Works on calls through the Spring proxy (a call from the same bean bypasses it, as with
 * {@code @Transactional}).
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimited {
  /** The id of the rule deciding the calls; the call fails if no rule of that id is in force. */
  String rule();

  /**
   * The client key as a SpEL expression over the method's arguments ({@code #name} or
   * {@code #p0}) and {@code #request} (the current servlet request, when there is one). Empty
   * (the default): the client the pipeline's identity configuration names for the current
   * servlet request (API key, user, then address).
   */
  String key() default "";

  /** The permits a call costs, at least 1. */
  long cost() default 1;

  /**
   * A method of the same bean run instead on denial, with the same parameters, optionally
   * followed by a {@link RateLimitedException}; its result is returned. Empty: throw.
   */
  String fallback() default "";
}
