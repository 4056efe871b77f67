package dev.sluice.spi;

import java.util.List;

/**
 * The health of an engine's backend connections.
 *
 * @param breakers one entry per backend endpoint with a circuit breaker (empty for an engine
 *     without a backend)
 */
public record EngineHealth(List<Breaker> breakers) {
  /** The health of an engine with nothing to lose. */
  public static final EngineHealth HEALTHY = new EngineHealth(List.of());

  /** Copies the list. */
  public EngineHealth {
    breakers = List.copyOf(breakers);
  }

  /** The worst circuit of all endpoints ({@link Circuit#CLOSED} when there are none). */
  public Circuit worst() {
    Circuit w = Circuit.CLOSED;
    for (Breaker b : breakers) {
      if (b.circuit().ordinal() > w.ordinal()) {
        w = b.circuit();
      }
    }
    return w;
  }

  /**
   * One endpoint's breaker.
   *
   * @param endpoint the endpoint, e.g. {@code 127.0.0.1:6379}
   * @param circuit its state
   */
  public record Breaker(String endpoint, Circuit circuit) {}

  /** A circuit breaker's state, from best to worst. */
  public enum Circuit {
    /** Calls go to the backend. */
    CLOSED,
    /** A trial call is allowed to see whether the backend is back. */
    HALF_OPEN,
    /** Calls are answered by the failure policy without trying the backend. */
    OPEN
  }
}
