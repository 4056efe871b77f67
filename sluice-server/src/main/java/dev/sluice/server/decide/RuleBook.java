package dev.sluice.server.decide;

import dev.sluice.Decision;
import dev.sluice.RateLimiterEngine;
import dev.sluice.server.metrics.ServerMetrics;
import dev.sluice.server.rules.RuleDefinition;
import dev.sluice.server.rules.RuleMatcher;
import dev.sluice.server.rules.RuleSet;
import io.micrometer.core.instrument.Counter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A rule set compiled against an engine: matches requests to rules and decides them, counting
 * every decision by rule and outcome. Replaced whole when the rules change, so a check always
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
  private final Counter unlimited;
  private final RateLimiterEngine engine;

  private record Compiled(ScopedRule rule, Counter allowed, Counter denied, Counter shadowDenied,
      Counter degraded) {}

  /** Compiles {@code ruleSet}. */
  public RuleBook(RuleSet ruleSet, RateLimiterEngine engine, ServerMetrics metrics) {
    this.ruleSet = ruleSet;
    this.engine = engine;
    this.matcher = new RuleMatcher(ruleSet);
    for (RuleDefinition r : ruleSet.rules()) {
      byId.put(r.id(), new Compiled(new ScopedRule(r, engine),
          metrics.decisions(r.id(), "allowed"), metrics.decisions(r.id(), "denied"),
          metrics.decisions(r.id(), "shadow_denied"), metrics.decisions(r.id(), "degraded")));
    }
    this.unlimited = metrics.decisions("", "unlimited");
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

  /** Whether {@code rule} can be decided without blocking by {@link #decideAsync}. */
  public boolean canDecideAsync(RuleDefinition rule) {
    return rule == null || byId.get(rule.id()).rule.singleCall();
  }

  /**
   * Decides a request of {@code cost} now, blocking while a remote engine answers.
   *
   * @param rule a rule of this book, or null for a request no rule governs
   */
  public Outcome decide(RuleDefinition rule, ScopeKeys keys, long cost) {
    if (rule == null) {
      unlimited.increment();
      return Outcome.UNLIMITED;
    }
    Compiled c = byId.get(rule.id());
    Decision d = c.rule.decide(keys, cost, engine.timeSource().nowMicros());
    return outcome(c, d);
  }

  /** As {@link #decide}, without blocking; only for rules {@link #canDecideAsync} accepts. */
  public CompletionStage<Outcome> decideAsync(RuleDefinition rule, ScopeKeys keys, long cost) {
    if (rule == null) {
      unlimited.increment();
      return CompletableFuture.completedFuture(Outcome.UNLIMITED);
    }
    Compiled c = byId.get(rule.id());
    return c.rule.decideAsync(keys, cost)
        .thenApply(d -> outcome(c, d));
  }

  private static Outcome outcome(Compiled c, Decision d) {
    RuleDefinition r = c.rule.definition();
    if (d == null) {
      c.allowed.increment();
      return new Outcome(r, null, false);
    }
    if (d.degraded()) {
      // A failure policy decided: counted apart from the engine's own decisions.
      c.degraded.increment();
      return new Outcome(r, d, !d.allowed() && r.shadow());
    }
    if (d.allowed()) {
      c.allowed.increment();
      return new Outcome(r, d, false);
    }
    if (r.shadow()) {
      c.shadowDenied.increment();
      return new Outcome(r, d, true);
    }
    c.denied.increment();
    return new Outcome(r, d, false);
  }
}
