package dev.sluice.tck;

import dev.sluice.Algorithm;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a contract needs of the engine under test, matched against its
 * {@link EngineCapabilities}: a test whose needs the engine does not claim is skipped (reported
 * as aborted, naming the missing capability), never failed.
 *
 * <p>On a contract interface it applies to every test of the interface; on a test method it adds
 * its algorithms to the interface's and replaces the interface's {@link #exact} and
 * {@link #callerClock}. A test without any {@code Requires} needs an exact engine at any caller's
 * timestamp, which is what the hand-computed cases check. Besides the algorithms named here, a
 * test needs every algorithm among its arguments (an {@link Algorithm}, a
 * {@link dev.sluice.Limit}, a {@link dev.sluice.Rule} or a {@link HandCases.HandCase}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Requires {
  /** The algorithms the test's rules use. */
  Algorithm[] algorithms() default {};

  /**
   * Whether the test compares decisions field for field with the models' (true) or asserts only
   * what holds for every engine, exact or bounded (false).
   */
  boolean exact() default true;

  /** Whether the test sends timestamps of its own, unrelated to the engine's clock. */
  boolean callerClock() default true;
}
