package dev.sluice.rules;

import dev.sluice.RateLimiterEngine;
import dev.sluice.rules.config.PipelineConfig;
import dev.sluice.rules.decide.DecisionCounters;
import dev.sluice.rules.decide.RuleBook;
import dev.sluice.rules.identity.ClientIdentifier;
import dev.sluice.rules.store.RuleStore;
import dev.sluice.spi.EngineHealth;
import dev.sluice.spi.EngineObserver;
import dev.sluice.spi.ProvidedEngine;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decision pipeline every front end shares: request → identity ({@link #identifier()}) →
 * rule ({@link RuleBook#match}) → decision ({@link RuleBook#decide}) → the front end's response.
 * It owns the engine and the rule store, and keeps the rule book in force as the store delivers
 * new sets. The HTTP API, the Envoy RLS and the gateway are adapters over one instance.
 *
 * <p>Thread-safe.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final PipelineConfig config;
  private final ProvidedEngine engine;
  private final RuleStore store;
  private final DecisionCounters counters;
  private final ClientIdentifier identifier;
  private final AtomicReference<RuleBook> book = new AtomicReference<>();

  /** Told when the rule store delivers a set or fails to. */
  public interface ReloadListener {
    /** A valid set of {@code rules} rules is in force. */
    void reloaded(String store, int rules);

    /** A read failed or found an invalid set; the previous set stays in force. */
    void failed(String store, String reason, String message);

    /** Ignores everything. */
    ReloadListener NONE = new ReloadListener() {
      @Override
      public void reloaded(String store, int rules) {}

      @Override
      public void failed(String store, String reason, String message) {}
    };
  }

  private Pipeline(PipelineConfig config, DecisionCounters counters, EngineObserver observer) {
    this.config = config;
    this.counters = counters;
    this.engine = config.engine().create(observer);
    PipelineConfig.Identity id = config.identity();
    this.identifier = new ClientIdentifier(id.apiKeyHeader(), id.userIdHeader(),
        id.orgIdHeader(), id.trustedProxies(), id.userHeadersFromAnyone());
    this.book.set(new RuleBook(RuleSet.empty(), engine.engine(), counters));
    RuleStore opened;
    try {
      opened = config.store().open();
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    this.store = opened;
  }

  /**
   * Builds the engine, opens the store and starts following it.
   *
   * @throws IllegalStateException if the store cannot be opened (an invalid rules file)
   */
  public static Pipeline start(PipelineConfig config, DecisionCounters counters,
      ReloadListener listener) {
    return start(config, counters, listener, EngineObserver.NONE);
  }

  /**
   * As {@link #start(PipelineConfig, DecisionCounters, ReloadListener)}, the engine reporting its
   * per-shard figures to {@code observer}.
   *
   * @throws IllegalStateException if the store cannot be opened (an invalid rules file)
   */
  public static Pipeline start(PipelineConfig config, DecisionCounters counters,
      ReloadListener listener, EngineObserver observer) {
    Pipeline p = new Pipeline(config, counters, observer);
    String storeName = p.store.name();
    try {
      p.store.start(set -> {
        p.book.set(new RuleBook(set, p.engine.engine(), counters));
        listener.reloaded(storeName, set.rules().size());
        LOG.info("rules in force: {} rule(s), version {}", set.rules().size(), set.etag());
      }, (reason, message) -> {
        listener.failed(storeName, reason, message);
        LOG.warn(message);
      });
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** The rules in force now, compiled against the engine; replaced whole on every change. */
  public RuleBook book() {
    return book.get();
  }

  /**
   * Where decisions are counted and observed by client (as given to {@link #start}): front ends
   * that decide outside the {@link RuleBook} (the Envoy RLS on its own descriptors) report there
   * too, so per-client statistics see their traffic.
   */
  public DecisionCounters counters() {
    return counters;
  }

  /** The rule store (for the rules API). */
  public RuleStore store() {
    return store;
  }

  /** The engine deciding every check. */
  public RateLimiterEngine engine() {
    return engine.engine();
  }

  /** The engine's {@code engine.type}-derived name, for logs and metric tags. */
  public String engineName() {
    return config.engine().name();
  }

  /** The engine's backend health now. */
  public EngineHealth engineHealth() {
    return engine.health().get();
  }

  /** How requests are attributed to clients. */
  public ClientIdentifier identifier() {
    return identifier;
  }

  /** The most rules a set may hold. */
  public int maxRules() {
    return config.maxRules();
  }

  /**
   * Whether the engine can decide now, read from its health ({@link #engineHealth()}): true
   * when every backend circuit is closed (an engine without a backend always); false while one
   * is open or half-open, when checks get the failure policy's degraded answer instead of a
   * decision. No check goes through the engine for this, so readiness probes are never traffic:
   * they add nothing to the engine's state, its exchanges with other instances or its
   * statistics.
   */
  public boolean engineReady() {
    return engineHealth().worst() == EngineHealth.Circuit.CLOSED;
  }

  /** Stops following the store and releases the store and the engine. */
  @Override
  public void close() {
    try {
      store.close();
    } finally {
      engine.close();
    }
  }
}
