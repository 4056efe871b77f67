package dev.sluice.spi;

/**
 * Where an engine with a backend reports, per shard, what only it can see: how long each command
 * took and how it ended, and each change of the shard's circuit breaker. The host (the service's
 * metrics) passes one to {@link EngineSpec#create(EngineObserver)}; an engine without a backend
 * (the in-memory engine) ignores it.
 *
 * <p>The engine calls {@link #shard(String)} once per shard when it first knows the shard (at
 * build time, or when a Cluster slot map names a new master), never per check, and keeps the
 * returned {@link Shard}. The per-command call is then one method call on a kept object: the
 * host resolves its meters in {@code shard}, so recording allocates nothing itself.
 *
 * <p>Implementations are thread-safe and never block or throw: {@link Shard#completed} runs on
 * the backend's I/O threads and {@link Shard#circuitChanged} under the breaker's lock.
 */
@FunctionalInterface
public interface EngineObserver {
  /** Observes nothing. */
  EngineObserver NONE = shard -> Shard.NONE;

  /**
   * The observer of one shard, asked once per shard (the same name may be asked again, e.g. after
   * a Cluster failover moves slots back; return the same meters).
   *
   * @param shard the shard's endpoint as {@code host:port} (a Redis server, a Cluster master, a
   *     ring member), or a stable name where no address is (a Sentinel group's master name); the
   *     set of names is bounded by the deployment's servers, never by clients
   */
  Shard shard(String shard);

  /** How a command to a shard failed. */
  enum Failure {
    /** No answer within the command timeout. */
    TIMEOUT,
    /** The connection could not be opened, broke, or commands were rejected while disconnected. */
    CONNECTION,
    /** The server answered with a script error (a Lua error, NOSCRIPT after the fallback). */
    SCRIPT,
    /** The server answered with another error (OOM, BUSY, LOADING, CLUSTERDOWN, READONLY...). */
    SERVER,
    /** Anything else (a client-side failure). */
    OTHER;

    /** The lower-case name, as a metric label. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What one shard reports. Thread-safe, non-blocking, allocation-free in the host. */
  interface Shard {
    /** Records nothing. */
    Shard NONE = new Shard() {
      @Override
      public void completed(long nanos, Failure failure) {}

      @Override
      public void circuitChanged(EngineHealth.Circuit circuit) {}
    };

    /**
     * A command to this shard ended.
     *
     * @param nanos from sending (including waiting for a connection) to its end, in nanoseconds
     * @param failure how it failed, or {@code null} if the shard answered
     */
    void completed(long nanos, Failure failure);

    /** The shard's circuit breaker is now in {@code circuit} (called on every transition). */
    void circuitChanged(EngineHealth.Circuit circuit);
  }
}
