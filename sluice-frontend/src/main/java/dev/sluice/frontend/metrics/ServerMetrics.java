package dev.sluice.frontend.metrics;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.decide.DecisionCounters;
import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.EngineObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every metric the service exports, in one place so the names are easy to find:
 *
 * <ul>
 *   <li>{@code sluice_decisions_total{rule, outcome}}: outcome is {@code allowed}, {@code denied},
 *       {@code shadow_denied} (shadow mode: would have denied) or {@code degraded} (decided by a
 *       failure policy); requests no rule governs count under {@code rule="", outcome="unlimited"};
 *   <li>{@code sluice_check_duration_seconds{endpoint}}: latency of check requests from parsed
 *       body to answer, as a histogram (buckets from 1 us to 1 s, one of them exactly 1 ms, the
 *       latency objective);
 *   <li>{@code sluice_backend_errors_total{engine}} (checks answered 503 because the engine
 *       failed) and {@code sluice_backend_circuit_state{engine}} (the worst breaker: 0 closed,
 *       1 half-open, 2 open);
 *   <li>per Redis shard ({@code shard}: the endpoint's {@code host:port}, from
 *       {@link EngineObserver}): {@code sluice_redis_command_duration_seconds{shard, outcome}}
 *       (script calls, outcome {@code success} or {@code error}, fixed buckets 100 us to 2.5 s),
 *       {@code sluice_redis_errors_total{shard, type}} (type {@code timeout}, {@code connection},
 *       {@code script}, {@code server}, {@code other}; every type registered at 0),
 *       {@code sluice_redis_breaker_state{shard}} (0 closed, 1 half-open, 2 open) and
 *       {@code sluice_redis_breaker_transitions_total{shard, state}} (state entered);
 *   <li>for an engine that decides on a synced view, per exchange ({@code peer}):
 *       {@code sluice_sync_last_success_age_seconds}, {@code sluice_sync_lag_seconds},
 *       {@code sluice_sync_round_seconds}, {@code sluice_sync_consecutive_failures},
 *       {@code sluice_sync_pending_keys}, {@code sluice_sync_leased_permits};
 *   <li>for an engine that splits global limits between regions, per {@code region}:
 *       {@code sluice_region_allocation}, {@code sluice_region_admitted} (permits of the current
 *       epoch) and {@code sluice_region_partitioned} (1 while the last exchange with it failed);
 *   <li>for an engine with TLS links to its backend, per file ({@code key}, such as
 *       {@code engine.tls.cert}): {@code sluice_tls_certificate_expiry_seconds}, as for the
 *       listeners' certificates;
 *   <li>{@code sluice_rules_reloads_total{store, result}} (result {@code success} or
 *       {@code failure}), {@code sluice_rules_reload_failures_total{store, reason}} and
 *       {@code sluice_rules_last_reload_failed{store}} (1 while the last attempt failed and the
 *       previous good rules are in force), {@code sluice_rules_active}.
 * </ul>
 *
 * <p>Every label value comes from configuration or the deployment (rules, stores, shards),
 * never from a request's client, so cardinality is bounded; docs/operations.md lists each metric.
 *
 * <p>Thread-safe.
 */
public final class ServerMetrics
    implements DecisionCounters, Pipeline.ReloadListener, EngineObserver {
  /** The fixed buckets of the per-shard histogram: a 1 ms boundary, and room for timeouts. */
  private static final Duration[] SHARD_BUCKETS = {
      Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
      Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
      Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500)};
  private static final EngineHealth.Circuit[] CIRCUITS = EngineHealth.Circuit.values();
  private static final EngineObserver.Failure[] FAILURES = EngineObserver.Failure.values();

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();
  private final AtomicInteger lastReloadFailed = new AtomicInteger();
  private final AtomicInteger activeRules = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean lastFailedRegistered =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final ConcurrentHashMap<String, ShardMeters> shards = new ConcurrentHashMap<>();

  /** The registry with JVM metrics bound. */
  public ServerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    Gauge.builder("sluice_rules_active", activeRules, AtomicInteger::get)
        .description("Rules in force").register(registry);
  }

  /** The counter of decisions of {@code rule} with {@code outcome}; cache it on hot paths. */
  public Counter decisions(String rule, String outcome) {
    return counters.computeIfAbsent("d|" + rule + "|" + outcome, k ->
        Counter.builder("sluice_decisions_total").description("Check decisions")
            .tag("rule", rule).tag("outcome", outcome).register(registry));
  }

  /** The latency timer of checks through {@code endpoint} (single, request, batch). */
  public Timer checkLatency(String endpoint) {
    return timers.computeIfAbsent(endpoint, e -> Timer.builder("sluice_check_duration_seconds")
        .description("Check latency, from parsed request to decision")
        .tag("endpoint", e)
        .publishPercentileHistogram()
        .serviceLevelObjectives(Duration.ofMillis(1))
        .minimumExpectedValue(Duration.ofNanos(1_000))
        .maximumExpectedValue(Duration.ofSeconds(1))
        .register(registry));
  }

  @Override
  public Tally tally(String rule, String outcome) {
    return decisions(rule, outcome)::increment;
  }

  @Override
  public void reloaded(String store, int rules) {
    reloadSucceeded(store, rules);
  }

  @Override
  public void failed(String store, String reason, String message) {
    reloadFailed(store, reason);
  }

  /** The meters of one Redis shard, registered on first sight (bounded by the deployment). */
  @Override
  public EngineObserver.Shard shard(String shard) {
    return shards.computeIfAbsent(shard, this::newShard);
  }

  private ShardMeters newShard(String shard) {
    Timer[] latency = new Timer[2];
    String[] outcomes = {"success", "error"};
    for (int i = 0; i < 2; i++) {
      latency[i] = Timer.builder("sluice_redis_command_duration_seconds")
          .description("Redis script calls per shard, from sending to the reply or failure")
          .tag("shard", shard).tag("outcome", outcomes[i])
          .serviceLevelObjectives(SHARD_BUCKETS)
          .register(registry);
    }
    Counter[] errors = new Counter[FAILURES.length];
    for (EngineObserver.Failure f : FAILURES) {
      errors[f.ordinal()] = Counter.builder("sluice_redis_errors_total")
          .description("Failed Redis script calls per shard, by type")
          .tag("shard", shard).tag("type", f.label()).register(registry);
    }
    Counter[] transitions = new Counter[CIRCUITS.length];
    for (EngineHealth.Circuit c : CIRCUITS) {
      transitions[c.ordinal()] = Counter.builder("sluice_redis_breaker_transitions_total")
          .description("Circuit breaker transitions per shard, by the state entered")
          .tag("shard", shard).tag("state", c.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
    }
    AtomicInteger state = new AtomicInteger();
    Gauge.builder("sluice_redis_breaker_state", state, AtomicInteger::get)
        .description("Circuit breaker of the shard: 0 closed, 1 half-open, 2 open")
        .tag("shard", shard).register(registry);
    return new ShardMeters(latency[0], latency[1], errors, transitions, state);
  }

  /** One shard's meters, resolved once; recording is a field read and a meter update. */
  private record ShardMeters(Timer success, Timer error, Counter[] errors, Counter[] transitions,
      AtomicInteger state) implements EngineObserver.Shard {
    @Override
    public void completed(long nanos, EngineObserver.Failure failure) {
      if (failure == null) {
        success.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
      } else {
        error.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        errors[failure.ordinal()].increment();
      }
    }

    @Override
    public void circuitChanged(EngineHealth.Circuit circuit) {
      state.set(circuit.ordinal());
      transitions[circuit.ordinal()].increment();
    }
  }

  /** Counts an engine failure (a check answered 503). */
  public void backendError(String engine) {
    backendErrors(engine).increment();
  }

  private Counter backendErrors(String engine) {
    return counters.computeIfAbsent("b|" + engine, k ->
        Counter.builder("sluice_backend_errors_total")
            .description("Checks answered 503 because the rate-limit engine failed")
            .tag("engine", engine).register(registry));
  }

  /**
   * Exports the engine's worst circuit (0 closed, 1 half-open, 2 open) and its synced views, and
   * registers its error counter at 0 (the availability objective's ratio needs the series).
   */
  public void circuitState(String engine, Supplier<EngineHealth> health) {
    backendErrors(engine);
    Gauge.builder("sluice_backend_circuit_state", health, h -> h.get().worst().ordinal())
        .description("Circuit breaker of the engine: 0 closed, 1 half-open, 2 open")
        .tag("engine", engine).strongReference(true).register(registry);
    EngineHealth now = health.get();
    for (int i = 0; i < now.syncs().size(); i++) {
      Entry<EngineHealth.Sync> e = new Entry<>(engine, "peer", now.syncs().get(i).peer(), health,
          EngineHealth::syncs, i);
      e.gauge("sluice_sync_last_success_age_seconds", "Age of the synced view: seconds since "
          + "the last complete exchange (-1 before the first)",
          s -> s.lastSuccessAgeMillis() < 0 ? -1 : s.lastSuccessAgeMillis() / 1000.0);
      e.gauge("sluice_sync_lag_seconds", "How far the synced view lags beyond one interval",
          s -> s.lagMillis() < 0 ? -1 : s.lagMillis() / 1000.0);
      e.gauge("sluice_sync_round_seconds", "Duration of the last exchange",
          s -> s.lastRoundMillis() < 0 ? -1 : s.lastRoundMillis() / 1000.0);
      e.gauge("sluice_sync_consecutive_failures", "Failed exchanges since the last complete one",
          EngineHealth.Sync::consecutiveFailures);
      e.gauge("sluice_sync_pending_keys", "Keys with local changes waiting for the next exchange",
          EngineHealth.Sync::pendingKeys);
      e.gauge("sluice_sync_leased_permits", "Permits held in leases and not yet spent",
          EngineHealth.Sync::leasedPermits);
    }
    for (int i = 0; i < now.regions().size(); i++) {
      Entry<EngineHealth.Region> e = new Entry<>(engine, "region", now.regions().get(i).region(),
          health, EngineHealth::regions, i);
      e.gauge("sluice_region_allocation", "Permits allocated to the region in the current "
          + "epoch, summed over the limits exchanged", EngineHealth.Region::allocation);
      e.gauge("sluice_region_admitted", "Permits the region admitted in the current epoch",
          EngineHealth.Region::admitted);
      e.gauge("sluice_region_partitioned", "1 while the last exchange with the region failed",
          r -> r.partitioned() ? 1 : 0);
    }
    // The engine's TLS links to its backend: the same gauge as the listeners' certificates
    // (TlsMetrics), keyed by the file's configuration key such as engine.tls.cert.
    for (EngineHealth.Certificate c : now.certificates()) {
      String key = c.key();
      Gauge.builder("sluice_tls_certificate_expiry_seconds", health,
              h -> secondsUntil(h.get(), key))
          .description("Seconds until the certificates of a TLS file expire (negative: expired)")
          .tag("key", key).strongReference(true).register(registry);
    }
  }

  /** Seconds until the certificate file {@code key} of {@code health} expires; NaN if gone. */
  static double secondsUntil(EngineHealth health, String key) {
    for (EngineHealth.Certificate c : health.certificates()) {
      if (c.key().equals(key)) {
        return (c.notAfterEpochMillis() - System.currentTimeMillis()) / 1000.0;
      }
    }
    return Double.NaN;
  }

  /**
   * One entry of a list in the engine's health (a sync, a region), labelled by {@code label}:
   * its gauges read the entry at {@code index} of each new health (NaN if the list shrank).
   */
  private final class Entry<T> {
    private final String engine;
    private final String label;
    private final String value;
    private final Supplier<EngineHealth> health;
    private final Function<EngineHealth, List<T>> list;
    private final int index;

    Entry(String engine, String label, String value, Supplier<EngineHealth> health,
        Function<EngineHealth, List<T>> list, int index) {
      this.engine = engine;
      this.label = label;
      this.value = value;
      this.health = health;
      this.list = list;
      this.index = index;
    }

    void gauge(String name, String help, ToDoubleFunction<T> of) {
      Gauge.builder(name, this, e -> {
        List<T> entries = e.list.apply(e.health.get());
        return e.index < entries.size() ? of.applyAsDouble(entries.get(e.index)) : Double.NaN;
      }).description(help).tag("engine", engine).tag(label, value).strongReference(true)
          .register(registry);
    }
  }

  /** Records a successful rule (re)load. */
  public void reloadSucceeded(String store, int rules) {
    reloads(store, "success").increment();
    registerLastFailed(store);
    lastReloadFailed.set(0);
    activeRules.set(rules);
  }

  /** Records a failed reload: the previous rules stay in force. */
  public void reloadFailed(String store, String reason) {
    reloads(store, "failure").increment();
    counters.computeIfAbsent("f|" + store + "|" + reason, k ->
        Counter.builder("sluice_rules_reload_failures_total")
            .description("Rule reloads rejected, by reason; the last good rules stay in force")
            .tag("store", store).tag("reason", reason).register(registry)).increment();
    registerLastFailed(store);
    lastReloadFailed.set(1);
  }

  private Counter reloads(String store, String result) {
    return counters.computeIfAbsent("r|" + store + "|" + result, k ->
        Counter.builder("sluice_rules_reloads_total").description("Rule reload attempts")
            .tag("store", store).tag("result", result).register(registry));
  }

  private void registerLastFailed(String store) {
    if (lastFailedRegistered.getAndSet(true)) {
      return;
    }
    Gauge.builder("sluice_rules_last_reload_failed", lastReloadFailed, AtomicInteger::get)
        .description("1 while the last reload failed and the previous rules are in force")
        .tag("store", store).register(registry);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** The underlying registry. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }
}
