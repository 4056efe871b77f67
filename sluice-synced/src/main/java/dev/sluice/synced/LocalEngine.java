package dev.sluice.synced;

import dev.sluice.Algorithm;
import dev.sluice.Decision;
import dev.sluice.KeyedCheck;
import dev.sluice.Limit;
import dev.sluice.MultiDecision;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.redis.Topology;
import dev.sluice.redis.link.RedisLink;
import dev.sluice.redis.link.Rounds;
import dev.sluice.spi.Checks;
import dev.sluice.spi.InlineEngine;
import dev.sluice.spi.MultiKeyChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * What the synced and leased engines share: every check is decided in the calling thread on
 * per-client states under their own monitors, and a round on one daemon thread (or the caller
 * of {@code syncNow()}) exchanges with Redis every interval. This class holds the settings, the
 * rule states, the link and the rounds, refuses the algorithms an engine does not support, and
 * decides multi-key checks all or nothing under the monitors of all their parts.
 *
 * @param <R> the engine's state of one rule
 * @param <S> the engine's state of one client under one rule
 */
abstract class LocalEngine<R extends RuleClients<S>, S extends ClientState>
    implements InlineEngine {
  /** Most clients in one script call, so that no call keeps Redis busy for long. */
  static final int BATCH = 256;

  final TimeSource timeSource;
  final long intervalMicros;
  final String keyPrefix;
  final String instanceId;
  final Duration timeout;
  final RedisLink link;
  final Rounds rounds;
  final ConcurrentHashMap<Rule, R> rules = new ConcurrentHashMap<>();
  final LongAdder checks = new LongAdder();
  final LongAdder commands = new LongAdder();
  volatile long restartsDetected;
  volatile boolean closed;
  private final String type;
  private final Algorithm[] algorithms;
  private final String otherwise;

  /**
   * @param type the engine's {@code engine.type}, for thread names and messages
   * @param algorithms the two algorithms the engine supports
   * @param otherwise where to turn for the others, for the message refusing them
   */
  LocalEngine(Settings s, String type, Algorithm[] algorithms, String otherwise, Logger log,
      String roundName) {
    this.timeSource = s.timeSource();
    this.intervalMicros = s.syncInterval().toNanos() / 1_000;
    this.keyPrefix = s.keyPrefix();
    this.instanceId = s.instanceId();
    this.timeout = s.commandTimeout();
    this.type = type;
    this.algorithms = algorithms;
    this.otherwise = otherwise;
    this.link = new RedisLink(s.topology(), s.commandTimeout(), null, commands,
        "the " + type + " engine");
    this.rounds = s.autoSync()
        ? Rounds.automatic("sluice-" + type + "-" + instanceId, this::runRound, log, roundName)
        : Rounds.manual();
  }

  /** What both builders set. */
  record Settings(Topology topology, TimeSource timeSource, Duration syncInterval,
      Duration commandTimeout, String keyPrefix, String instanceId, boolean autoSync) {}

  /** Starts the automatic rounds, the first at once; the subclass calls it once built. */
  final void startRounds() {
    rounds.start(0, intervalMicros);
  }

  private void runRound() {
    syncNow();
  }

  /** Runs one round now; see the engines' own documentation. */
  public abstract boolean syncNow();

  /**
   * A limiter enforcing {@code rule}; limiters of equal rules share state.
   *
   * @throws IllegalArgumentException if the rule is null or one of its limits uses an algorithm
   *     the engine does not support (the message names the rule and the algorithm)
   */
  @Override
  public RateLimiter limiter(Rule rule) {
    if (rule == null) {
      throw new IllegalArgumentException("rule must not be null");
    }
    List<Limit> limits = rule.limits();
    for (int i = 0; i < limits.size(); i++) {
      Algorithm a = limits.get(i).algorithm();
      if (a != algorithms[0] && a != algorithms[1]) {
        throw new IllegalArgumentException("rule '" + rule.id() + "' limit " + i + " uses "
            + name(a) + ", which the " + type + " engine does not support: it supports "
            + name(algorithms[0]) + " and " + name(algorithms[1]) + " (" + otherwise + ")");
      }
    }
    return new LocalRateLimiter(rules.computeIfAbsent(rule, this::newRuleState), this);
  }

  private static String name(Algorithm a) {
    return a.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  abstract R newRuleState(Rule rule);


  /**
   * Decides every check, holding the monitors of all their states (none is removed): tests each
   * without consuming and consumes all only if all admit.
   *
   * @return what to do once the monitors are released, or null
   */
  abstract Runnable decideAll(List<KeyedCheck> checks, List<S> states, long now,
      Decision[] parts);

  /**
   * Decides every check at {@code nowMicros}, all or nothing, on this instance's states: the
   * states of all checks are locked in one fixed order (rule id, client), each is tested without
   * consuming, and all consume only if all admit. Affinities are ignored: the states are local.
   * No I/O.
   *
   * @throws IllegalArgumentException as {@link RateLimiterEngine#checkAll} says, and for a
   *     limiter of another engine
   */
  @Override
  public MultiDecision checkAll(List<KeyedCheck> checks, long nowMicros) {
    Checks.keyedChecks(checks);
    Checks.timestamp(nowMicros);
    int n = checks.size();
    Object[] rule = new Object[n];
    for (int i = 0; i < n; i++) {
      if (checks.get(i).limiter() instanceof LocalRateLimiter l && l.engine == this) {
        rule[i] = l.state;
      } else {
        throw new IllegalArgumentException("check " + i + " (rule '"
            + checks.get(i).limiter().rule().id() + "') has a limiter of another engine");
      }
    }
    Integer[] order = MultiKeyChecks.lockOrder(checks, rule);
    while (true) {
      List<S> state = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        @SuppressWarnings("unchecked")
        R r = (R) rule[i];
        state.add(r.state(checks.get(i).key()));
      }
      Decision[] parts = new Decision[n];
      Runnable[] after = new Runnable[1];
      ClientState[] monitors = state.toArray(new ClientState[0]);
      if (MultiKeyChecks.holdingAll(monitors, order, s -> !s.removed, () -> {
        after[0] = decideAll(checks, state, nowMicros, parts);
        return true;
      })) {
        if (after[0] != null) {
          after[0].run();
        }
        return MultiDecision.of(Arrays.asList(parts));
      }
      // A state was dropped by eviction while we resolved it: resolve again.
    }
  }

  @Override
  public TimeSource timeSource() {
    return timeSource;
  }

  /**
   * Ends a round that began at {@code beganNanos} (wall time) and decided at {@code now} (engine
   * time): every 16 rounds drops the client states with nothing left to do (a walk over the
   * clients in memory, not in Redis), then records the round.
   *
   * @return {@code ok}
   */
  final boolean endRound(boolean ok, long now, long beganNanos) {
    if ((rounds.count() + 1) % 16 == 0) {
      for (R r : rules.values()) {
        for (S s : r.clients.values()) {
          synchronized (s) {
            if (s.evictable(now)) {
              s.removed = true;
              r.clients.remove(s.client, s);
            }
          }
        }
      }
    }
    rounds.record(ok, now, (System.nanoTime() - beganNanos) / 1_000);
    return ok;
  }

  /** Waits for a round's calls, at most a few command timeouts; false if one failed. */
  final boolean await(List<? extends java.util.concurrent.CompletableFuture<?>> pending) {
    return rounds.await(pending, timeout.multipliedBy(4).plusMillis(100));
  }

  /** Stops the rounds, then closes the link and forgets every state. */
  @Override
  public void close() {
    rounds.close();
    synchronized (this) {
      closed = true;
      link.close();
      rules.clear();
    }
  }
}
