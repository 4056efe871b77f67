package dev.sluice.spi;

import java.util.List;

/**
 * The health of an engine's backend connections.
 *
 * @param breakers one entry per backend endpoint with a circuit breaker (empty for an engine
 *     without a backend)
 * @param syncs one entry per periodic exchange the engine depends on (a synced engine's sync
 *     with its shared store, a region's exchange with another region); empty for an engine that
 *     decides every check against its backend
 * @param regions for an engine that splits global limits between regions, one entry per region
 *     as this instance sees it (its own included); empty otherwise
 * @param certificates the certificates in force on the engine's TLS links to its backend, one
 *     entry per file (its client certificate and its trust anchors), so that their expiry is
 *     exported with the service's own; empty without TLS
 */
public record EngineHealth(List<Breaker> breakers, List<Sync> syncs, List<Region> regions,
    List<Certificate> certificates) {
  /** The health of an engine with nothing to lose. */
  public static final EngineHealth HEALTHY = new EngineHealth(List.of(), List.of(), List.of());

  /** Copies the lists. */
  public EngineHealth {
    breakers = List.copyOf(breakers);
    syncs = List.copyOf(syncs);
    regions = List.copyOf(regions);
    certificates = List.copyOf(certificates);
  }

  /** The health of an engine without TLS links. */
  public EngineHealth(List<Breaker> breakers, List<Sync> syncs, List<Region> regions) {
    this(breakers, syncs, regions, List.of());
  }

  /** This health with {@code certificates} as the certificates of its TLS links. */
  public EngineHealth withCertificates(List<Certificate> certificates) {
    return new EngineHealth(breakers, syncs, regions, certificates);
  }

  /** The health of an engine with breakers and periodic exchanges, and no regions. */
  public EngineHealth(List<Breaker> breakers, List<Sync> syncs) {
    this(breakers, syncs, List.of());
  }

  /** The health of an engine with breakers and no periodic exchange. */
  public EngineHealth(List<Breaker> breakers) {
    this(breakers, List.of());
  }

  /** Whether every exchange is current ({@link Sync#current()}); true when there are none. */
  public boolean synced() {
    for (Sync s : syncs) {
      if (!s.current()) {
        return false;
      }
    }
    return true;
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
   * When the certificates of one TLS file of a backend link expire.
   *
   * @param key the file's configuration key, such as {@code engine.tls.cert}; stable across
   *     reloads
   * @param notAfterEpochMillis when the soonest of its certificates in force expires, in
   *     milliseconds since the Unix epoch
   */
  public record Certificate(String key, long notAfterEpochMillis) {}

  /**
   * One endpoint's breaker.
   *
   * @param endpoint the endpoint, e.g. {@code 127.0.0.1:6379}
   * @param circuit its state
   */
  public record Breaker(String endpoint, Circuit circuit) {}

  /**
   * One periodic exchange: what an instance deciding on a synced view knows of how old that view
   * is. Decisions from a synced view are not degraded; an exchange that is not current means
   * they rest on an older view plus this instance's own share.
   *
   * @param peer what is exchanged with, e.g. {@code redis://127.0.0.1:6379} or {@code region:eu}
   * @param intervalMillis the configured interval between exchanges
   * @param lastSuccessAgeMillis milliseconds since the last complete exchange, -1 if none yet
   * @param lastRoundMillis how long the last exchange took (its round trip), -1 if none yet
   * @param consecutiveFailures failed exchanges since the last complete one
   * @param pendingKeys keys with local changes waiting for the next exchange
   * @param leasedPermits permits this instance holds in leases and has not spent (0 without
   *     leases)
   */
  public record Sync(String peer, long intervalMillis, long lastSuccessAgeMillis,
      long lastRoundMillis, int consecutiveFailures, long pendingKeys, long leasedPermits) {
    /**
     * Whether the last exchange completed and is at most two intervals old (sync lag below one
     * interval).
     */
    public boolean current() {
      return consecutiveFailures == 0 && lastSuccessAgeMillis >= 0
          && lastSuccessAgeMillis <= 2 * intervalMillis;
    }

    /** How far the view lags beyond one interval, in milliseconds (0 when current; -1 never). */
    public long lagMillis() {
      return lastSuccessAgeMillis < 0 ? -1 : Math.max(0, lastSuccessAgeMillis - intervalMillis);
    }
  }

  /**
   * One region of a global limit split between regions, as this instance sees it.
   *
   * @param region the region's name
   * @param own whether it is this instance's region
   * @param partitioned whether the last exchange with it failed (or none has completed yet): its
   *     usage is known only as of the last exchange
   * @param allocation the permits allocated to the region in the current epoch, summed over the
   *     limits this instance exchanges
   * @param admitted the permits the region admitted in the current epoch, summed likewise
   */
  public record Region(String region, boolean own, boolean partitioned, long allocation,
      long admitted) {}

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
