package dev.sluice.rules.decide;

import dev.sluice.Decision;
import dev.sluice.RateLimiterEngine;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.RuleMatcher;
import dev.sluice.rules.RuleSet;
import dev.sluice.rules.decide.DecisionCounters.ClientTally;
import dev.sluice.rules.decide.DecisionCounters.Kind;
import dev.sluice.rules.decide.DecisionCounters.Tally;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A rule set compiled against an engine: matches requests to rules and decides them, counting
 * every decision by rule and outcome and telling {@link DecisionCounters#clients} of each with its
 * client key. Replaced whole when the rules change, so a check always
 * sees one consistent set.
 *
 * <p>Limiters of unchanged rules keep their state across replacements: the engine shares state
 * between equal core rules.
 *
 * <p>Immutable and thread-safe.
 */
public final class RuleBook {
  private final RuleSet ruleSet;
  private final RuleMatcher matcher;
  private final Map<String, Compiled> byId = new HashMap<>();
  private final Tally unlimited;
  private final boolean inline;

  private record Compiled(ScopedRule rule, Tally allowed, Tally denied, Tally shadowDenied,
      Tally degraded, ClientTally clients) {}

  /** Compiles {@code ruleSet}. */
  public RuleBook(RuleSet ruleSet, RateLimiterEngine engine, DecisionCounters counters) {
    this.ruleSet = ruleSet;
    this.inline = engine.decidesInline();
    this.matcher = new RuleMatcher(ruleSet);
    for (RuleDefinition r : ruleSet.rules()) {
      byId.put(r.id(), new Compiled(new ScopedRule(r, engine),
          counters.tally(r.id(), "allowed"), counters.tally(r.id(), "denied"),
          counters.tally(r.id(), "shadow_denied"), counters.tally(r.id(), "degraded"),
          counters.clients(r.id())));
    }
    this.unlimited = counters.tally("", "unlimited");
  }

  /** The rules compiled here. */
  public RuleSet ruleSet() {
    return ruleSet;
  }

  /** The rule with this id, or null. */
  public RuleDefinition rule(String id) {
    Compiled c = byId.get(id);
    return c == null ? null : c.rule.definition();
  }

  /** The rule governing a request (see {@link RuleMatcher#match}), or null. */
  public RuleDefinition match(String method, String path, Function<String, String> header) {
    return matcher.match(method, path, header);
  }

  /**
   * Whether the engine decides in the calling thread without I/O
   * ({@link RateLimiterEngine#decidesInline()}): then {@link #decideBlocking} is the cheaper call
   * and never blocks; otherwise front ends use {@link #decide}.
   */
  public boolean inline() {
    return inline;
  }

  /**
   * Decides a request of {@code cost}, blocking the caller until decided: at once on an
   * {@link #inline()} engine, after the round trip on a remote one (so never call it on an event
   * loop unless {@link #inline()}).
   *
   * @param rule a rule of this book, or null for a request no rule governs
   */
  public Outcome decideBlocking(RuleDefinition rule, ScopeKeys keys, long cost) {
    if (rule == null) {
      unlimited.increment();
      return Outcome.UNLIMITED;
    }
    Compiled c = byId.get(rule.id());
    return outcome(c, c.rule.decide(keys, cost), keys, cost);
  }

  /**
   * Decides a request of {@code cost} now without blocking the caller, on every engine: the
   * stage completes when the engine has answered (already complete on an {@link #inline()}
   * engine). Invalid arguments fail the stage.
   *
   * @param rule a rule of this book, or null for a request no rule governs
   */
  public CompletionStage<Outcome> decide(RuleDefinition rule, ScopeKeys keys, long cost) {
    if (rule == null) {
      unlimited.increment();
      return CompletableFuture.completedFuture(Outcome.UNLIMITED);
    }
    Compiled c = byId.get(rule.id());
    try {
      return c.rule.decideAsync(keys, cost).thenApply(d -> outcome(c, d, keys, cost));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Outcome outcome(Compiled c, Decision d, ScopeKeys keys, long cost) {
    RuleDefinition r = c.rule.definition();
    String client = keys.identity().key();
    if (d == null) {
      c.allowed.increment();
      c.clients.decided(client, cost, Kind.ALLOWED);
      return new Outcome(r, null, false);
    }
    if (d.degraded()) {
      // A failure policy decided: counted apart from the engine's own decisions.
      c.degraded.increment();
      c.clients.decided(client, cost, Kind.DEGRADED);
      return new Outcome(r, d, !d.allowed() && r.shadow());
    }
    if (d.allowed()) {
      c.allowed.increment();
      c.clients.decided(client, cost, Kind.ALLOWED);
      return new Outcome(r, d, false);
    }
    if (r.shadow()) {
      c.shadowDenied.increment();
      c.clients.decided(client, cost, Kind.SHADOW_DENIED);
      return new Outcome(r, d, true);
    }
    c.denied.increment();
    c.clients.decided(client, cost, Kind.DENIED);
    return new Outcome(r, d, false);
  }
}
