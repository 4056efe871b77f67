package dev.sluice.synced;

import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import java.time.Duration;
import java.util.UUID;

/**
 * The settings the synced and leased engines' builders share; not thread-safe, validates each
 * value when set and names the bad value.
 *
 * @param <B> the engine's own builder
 */
abstract class LocalEngineBuilder<B extends LocalEngineBuilder<B>> {
  final Topology topology;
  TimeSource timeSource = TimeSource.system();
  Duration syncInterval = Duration.ofMillis(250);
  Duration commandTimeout = Duration.ofMillis(250);
  String keyPrefix;
  String instanceId = UUID.randomUUID().toString().substring(0, 8);
  boolean autoSync = true;

  LocalEngineBuilder(Topology topology, String type) {
    this.topology = BuilderChecks.sharedStore(topology, type);
    this.keyPrefix = "sluice:" + type + ":";
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** What the engine is built with. */
  LocalEngine.Settings settings() {
    return new LocalEngine.Settings(topology, timeSource, syncInterval, commandTimeout, keyPrefix,
        instanceId, autoSync);
  }

  /** Where decisions read "now" when the caller passes no timestamp, and rounds stamp time. */
  public B timeSource(TimeSource source) {
    this.timeSource = BuilderChecks.notNull("timeSource", source);
    return self();
  }

  /**
   * How often the engine's round runs: the synced engine pushes its counts and reads back the
   * totals (its error bound, {@code docs/distributed.md}, grows with the interval), the leased
   * engine renews, tops up and returns its leases; default 250 ms.
   *
   * @throws IllegalArgumentException if below 1 ms or not whole microseconds
   */
  public B syncInterval(Duration interval) {
    this.syncInterval = BuilderChecks.wholeMicros("syncInterval", interval,
        Duration.ofMillis(1));
    return self();
  }

  /**
   * How long one Redis command may take; default 250 ms.
   *
   * @throws IllegalArgumentException if below 1 ms
   */
  public B commandTimeout(Duration timeout) {
    this.commandTimeout = BuilderChecks.atLeast("commandTimeout", timeout, Duration.ofMillis(1));
    return self();
  }

  /**
   * The prefix of every Redis key; default {@code sluice:synced:} or {@code sluice:leased:}.
   *
   * @throws IllegalArgumentException if blank
   */
  public B keyPrefix(String prefix) {
    this.keyPrefix = BuilderChecks.notBlank("keyPrefix", prefix);
    return self();
  }

  /**
   * This instance's id in Redis (its field in every count hash or pool); default random. Two
   * live instances must not share one.
   *
   * @throws IllegalArgumentException if blank
   */
  public B instanceId(String id) {
    this.instanceId = BuilderChecks.notBlank("instanceId", id);
    return self();
  }

  /**
   * Whether the engine runs its rounds by itself every interval (the leased engine also early,
   * after a missed lease); default true. False leaves them to the engine's {@code syncNow()},
   * for replays on a manual clock.
   */
  public B autoSync(boolean auto) {
    this.autoSync = auto;
    return self();
  }
}
