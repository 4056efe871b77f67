package dev.sluice.rules.decide;

import dev.sluice.Decision;
import dev.sluice.KeyedCheck;
import dev.sluice.MultiDecision;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.rules.LimitDefinition;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One rule compiled against an engine: decides a request over all the rule's limits, atomically,
 * in one engine call.
 *
 * <p><b>One scope</b> (the common case: every limit counts the same key). The rule is one core
 * {@link Rule} ({@code id@scope}), so the engine decides all its limits for that key at once.
 *
 * <p><b>Several scopes</b> (hierarchical limits: per user and per organisation and globally, ...).
 * The limits of each scope form one core rule ({@code id@scope}), and the request is one
 * multi-key check ({@link RateLimiterEngine#checkAll}) over every scope that applies: all consume
 * or none does, on every engine and across every instance sharing a remote engine (the engine
 * decides it, not a lock in this process). The reported limit is the engine's choice
 * ({@link MultiDecision#of}), mapped back to its index in the rule definition.
 *
 * <p>Placement on sharded engines (Redis Cluster, the sharded ring): the client and user checks
 * carry the organisation's key as their affinity when the request has one, so a request's client,
 * user and organisation states share one slot and one script decides them; endpoint and global
 * states are shared by every client and keep their own place (the engine's cross-slot protocol
 * decides them, see docs/redis.md).
 *
 * <p>Thread-safe.
 */
final class ScopedRule {
  private final RuleDefinition definition;
  private final RateLimiterEngine engine;
  /** One core rule per scope present, in the order of first appearance. */
  private final Scope[] scopes;
  private final RateLimiter[] limiters;
  /** For each scope group, the definition index of each of its limits. */
  private final int[][] definitionIndex;
  private final boolean hasOrg;

  ScopedRule(RuleDefinition definition, RateLimiterEngine engine) {
    this.definition = definition;
    this.engine = engine;
    List<Scope> order = new ArrayList<>();
    List<LimitDefinition> ls = definition.limits();
    for (LimitDefinition l : ls) {
      if (!order.contains(l.scope())) {
        order.add(l.scope());
      }
    }
    scopes = order.toArray(Scope[]::new);
    limiters = new RateLimiter[scopes.length];
    definitionIndex = new int[scopes.length][];
    for (int g = 0; g < scopes.length; g++) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < ls.size(); i++) {
        if (ls.get(i).scope() == scopes[g]) {
          idx.add(i);
        }
      }
      definitionIndex[g] = idx.stream().mapToInt(Integer::intValue).toArray();
      limiters[g] = engine.limiter(new Rule(definition.id() + "@" + scopes[g].jsonName(),
          idx.stream().map(i -> ls.get(i).limit()).toList()));
    }
    hasOrg = order.contains(Scope.ORG);
  }

  RuleDefinition definition() {
    return definition;
  }

  /**
   * Decides now, blocking while a remote engine answers; null when no limit applies (an org-only
   * rule for a request without an organisation). By the engine's own clock (Redis's {@code TIME}
   * on the Redis engine, so that instances with skewed clocks agree).
   */
  Decision decide(ScopeKeys keys, long cost) {
    if (scopes.length == 1) {
      String key = keys.keyOf(scopes[0]);
      return key == null ? null : remap(0, limiters[0].check(key, cost));
    }
    Parts p = parts(keys, cost);
    if (p == null) {
      return null;
    }
    return report(p, engine.checkAll(p.checks(), engine.timeSource().nowMicros()));
  }

  /** As {@link #decide}, without blocking the caller. */
  CompletionStage<Decision> decideAsync(ScopeKeys keys, long cost) {
    if (scopes.length == 1) {
      String key = keys.keyOf(scopes[0]);
      return key == null ? CompletableFuture.completedFuture(null)
          : limiters[0].checkAsync(key, cost).thenApply(d -> remap(0, d));
    }
    Parts p = parts(keys, cost);
    if (p == null) {
      return CompletableFuture.completedFuture(null);
    }
    return engine.checkAllAsync(p.checks()).thenApply(m -> report(p, m));
  }

  /**
   * The checks of one request: one per scope that applies.
   *
   * @param group for each check, the index of its scope group
   */
  private record Parts(List<KeyedCheck> checks, int[] group) {}

  /** The decision to report: the engine's pick, numbered as the definition numbers limits. */
  private Decision report(Parts p, MultiDecision m) {
    Decision d = remap(p.group()[m.reported()], m.reportedDecision());
    return m.degraded() ? d.asDegraded() : d;
  }

  private Parts parts(ScopeKeys keys, long cost) {
    String org = hasOrg ? keys.keyOf(Scope.ORG) : null;
    List<KeyedCheck> checks = new ArrayList<>(scopes.length);
    int[] group = new int[scopes.length];
    for (int g = 0; g < scopes.length; g++) {
      String key = keys.keyOf(scopes[g]);
      if (key == null) {
        continue;
      }
      String affinity = switch (scopes[g]) {
        case CLIENT, USER, ORG -> org;
        case ENDPOINT, GLOBAL -> null;
      };
      group[checks.size()] = g;
      checks.add(new KeyedCheck(limiters[g], key, cost, affinity));
    }
    return checks.isEmpty() ? null : new Parts(checks, group);
  }

  /** A scope group's decision with its limit index as the rule definition numbers it. */
  private Decision remap(int g, Decision d) {
    int index = definitionIndex[g][d.limitIndex()];
    return index == d.limitIndex() ? d : new Decision(d.allowed(), d.limit(), d.remaining(),
        d.resetAtMicros(), d.retryAfterMicros(), index, d.degraded());
  }
}
