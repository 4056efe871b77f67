package dev.sluice.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts admitted and denied checks per thread; JMH reports each as a rate beside the score, so a
 * result shows what share of the checks it timed were admitted (a limiter that denies everything
 * would otherwise look just as fast).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Outcomes {
  /** Checks admitted in this iteration. */
  public long admitted;
  /** Checks denied in this iteration. */
  public long denied;

  @Setup(Level.Iteration)
  public void reset() {
    admitted = 0;
    denied = 0;
  }

  /** Counts one outcome and returns it. */
  boolean count(boolean allowed) {
    if (allowed) {
      admitted++;
    } else {
      denied++;
    }
    return allowed;
  }
}
