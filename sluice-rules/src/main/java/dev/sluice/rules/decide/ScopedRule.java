package dev.sluice.rules.decide;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.rules.LimitDefinition;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.Scope;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One rule compiled against an engine: decides a request over all the rule's limits, atomically.
 *
 * <p><b>One scope</b> (the common case: every limit counts the same key). The rule is one core
 * {@link Rule}, so the engine decides all its limits atomically for that key (all consume or
 * none does), which is the core's guarantee on every engine.
 *
 * <p><b>Several scopes</b> (hierarchical limits: per user and per organisation and globally, ...).
 * The keys differ, and the core decides one key at a time, so this class makes the decision
 * atomic itself. Each limit is a single-limit core rule of its own ({@code id@scope#i}). Under
 * striped locks over every (limit, key) involved, taken in a fixed order (no deadlock):
 * <ol>
 *   <li><i>probe</i> each limit with a cost it can never admit ({@code max(permits, burst) + 1}):
 *       the core denies it, consumes nothing (a denial changes nothing, docs/algorithms.md rule 4)
 *       and reports the permits available now as {@code remaining}. For all five algorithms
 *       "{@code remaining >= cost}" is exactly "a request of {@code cost} is allowed" at that time;
 *   <li>if every limit has room, consume {@code cost} on each (each is then allowed, since no
 *       other decision on these keys can run in between); otherwise check {@code cost} only on the
 *       limits without room, which deny and consume nothing, to learn their retry times.
 * </ol>
 * All probes and checks use one timestamp. The guarantee: within one server process, a
 * hierarchical decision is all-or-nothing and linearizable with every other decision of the same
 * rule. Across processes sharing a remote engine the locks are local, so two instances may
 * interleave between probe and consume: a burst of concurrent requests can then pass a shared
 * (org, global) limit by at most one request per instance racing at the edge. Making that
 * atomic across instances needs a multi-key check in the engine (a core change).
 *
 * <p>Thread-safe.
 */
final class ScopedRule {
  private static final int STRIPES = 1024;
  private static final ReentrantLock[] LOCKS = new ReentrantLock[STRIPES];

  static {
    for (int i = 0; i < STRIPES; i++) {
      LOCKS[i] = new ReentrantLock();
    }
  }

  private final RuleDefinition definition;
  private final Scope singleScope;
  private final RateLimiter whole;
  private final RateLimiter[] perLimit;
  private final long[] probeCost;
  private final TimeSource timeSource;
  private final boolean inline;

  ScopedRule(RuleDefinition definition, RateLimiterEngine engine) {
    this.definition = definition;
    this.timeSource = engine.timeSource();
    this.inline = engine.decidesInline();
    List<LimitDefinition> ls = definition.limits();
    Scope first = ls.get(0).scope();
    boolean single = ls.stream().allMatch(l -> l.scope() == first);
    this.singleScope = single ? first : null;
    if (single) {
      whole = engine.limiter(new Rule(definition.id() + "@" + first.jsonName(),
          ls.stream().map(LimitDefinition::limit).toList()));
      perLimit = null;
      probeCost = null;
    } else {
      whole = null;
      perLimit = new RateLimiter[ls.size()];
      probeCost = new long[ls.size()];
      for (int i = 0; i < ls.size(); i++) {
        Limit l = ls.get(i).limit();
        perLimit[i] = engine.limiter(
            Rule.of(definition.id() + "@" + ls.get(i).scope().jsonName() + "#" + i, l));
        probeCost[i] = Math.max(l.permits(), l.burst()) + 1;
      }
    }
  }

  RuleDefinition definition() {
    return definition;
  }

  /**
   * Decides now, blocking while a remote engine answers; null when no limit applies. A one-scope
   * rule is decided by the engine's own clock (Redis's {@code TIME} on the Redis engine, so that
   * instances with skewed clocks agree).
   */
  Decision decide(ScopeKeys keys, long cost) {
    if (singleScope != null) {
      String key = keys.keyOf(singleScope);
      return key == null ? null : whole.check(key, cost);
    }
    return decideScoped(keys, cost, timeSource.nowMicros());
  }

  /** As {@link #decide}, without blocking the caller. */
  CompletionStage<Decision> decideAsync(ScopeKeys keys, long cost) {
    if (singleScope != null) {
      String key = keys.keyOf(singleScope);
      return key == null ? CompletableFuture.completedFuture(null) : whole.checkAsync(key, cost);
    }
    if (inline) {
      return CompletableFuture.completedFuture(decideScoped(keys, cost, timeSource.nowMicros()));
    }
    return CompletableFuture.supplyAsync(() -> decideScoped(keys, cost, timeSource.nowMicros()));
  }

  private Decision decideScoped(ScopeKeys keys, long cost, long nowMicros) {
    List<LimitDefinition> ls = definition.limits();
    int n = ls.size();
    String[] key = new String[n];
    int[] stripes = new int[n];
    int applicable = 0;
    for (int i = 0; i < n; i++) {
      key[i] = keys.keyOf(ls.get(i).scope());
      if (key[i] != null) {
        stripes[applicable++] = Math.floorMod(31 * key[i].hashCode() + i
            + 17 * definition.id().hashCode(), STRIPES);
      }
    }
    if (applicable == 0) {
      return null;
    }
    int[] order = Arrays.copyOf(stripes, applicable);
    Arrays.sort(order);
    int locked = 0;
    try {
      for (int j = 0; j < order.length; j++) {
        if (j == 0 || order[j] != order[j - 1]) {
          LOCKS[order[j]].lock();
          order[locked++] = order[j];
        }
      }
      boolean roomEverywhere = true;
      boolean[] noRoom = new boolean[n];
      for (int i = 0; i < n; i++) {
        if (key[i] != null) {
          Decision probe = perLimit[i].check(key[i], probeCost[i], nowMicros);
          if (probe.remaining() < cost) {
            noRoom[i] = true;
            roomEverywhere = false;
          }
        }
      }
      Decision[] ds = new Decision[n];
      for (int i = 0; i < n; i++) {
        if (key[i] != null && (roomEverywhere || noRoom[i])) {
          ds[i] = perLimit[i].check(key[i], cost, nowMicros);
        }
      }
      return report(ds);
    } finally {
      for (int j = locked - 1; j >= 0; j--) {
        LOCKS[order[j]].unlock();
      }
    }
  }

  /** The limit to report, by the rule of docs/algorithms.md "Several limits". */
  private static Decision report(Decision[] ds) {
    Decision best = null;
    int bestIndex = -1;
    boolean anyDenied = false;
    for (Decision d : ds) {
      anyDenied |= d != null && !d.allowed();
    }
    boolean degraded = false;
    for (int i = 0; i < ds.length; i++) {
      Decision d = ds[i];
      if (d == null) {
        continue;
      }
      degraded |= d.degraded();
      if (anyDenied) {
        if (!d.allowed() && (best == null || d.retryAfterMicros() > best.retryAfterMicros())) {
          best = d;
          bestIndex = i;
        }
      } else if (best == null || d.remaining() < best.remaining()
          || d.remaining() == best.remaining() && d.resetAtMicros() > best.resetAtMicros()) {
        best = d;
        bestIndex = i;
      }
    }
    return new Decision(best.allowed(), best.limit(), best.remaining(), best.resetAtMicros(),
        best.retryAfterMicros(), bestIndex, degraded);
  }
}
