package dev.sluice.redis;

import dev.sluice.Decision;
import dev.sluice.KeyedCheck;
import dev.sluice.MultiDecision;
import dev.sluice.redis.link.Script;
import dev.sluice.spi.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One multi-key check on a {@link RedisEngine} (docs/redis.md, "Multi-key checks"): the checks
 * grouped by where their keys live (endpoint and Cluster slot), each group decided by one
 * atomic script ({@code 91_check_all.lua}).
 *
 * <p>One group: that script is the whole decision. Several: the groups are reserved one after
 * the other, in one fixed order (by slot, then endpoint name, so that concurrent checks meet in
 * the same order and one that loses a race stops before holding more); each reservation
 * consumes its group's parts only if all of them admit. At the first group that denies, the
 * reservations already made are refunded ({@code 92_refund.lua}) and the groups not reached are only
 * described; the stage completes after the refunds. A reservation is held for at most the time
 * until the refund, so concurrent checks can be denied spuriously during that window, but no
 * limit ever admits more than it allows.
 *
 * <p>A group whose endpoint's breaker is open or whose call fails is decided by each part's
 * failure policy, as single checks are; it counts as admitted when every such decision admits.
 * Not thread-safe: one instance per call.
 */
final class MultiKeyCheck {
  private static final String DECIDE = "1";
  private static final String DESCRIBE = "0";

  private final RedisEngine engine;
  private final long t;
  private final Part[] parts;
  private final List<Group> groups;

  private MultiKeyCheck(RedisEngine engine, long t, Part[] parts, List<Group> groups) {
    this.engine = engine;
    this.t = t;
    this.parts = parts;
    this.groups = groups;
  }

  /** One check: its limiter, key and cost, and what Redis answered for it. */
  private static final class Part {
    final ScriptedRateLimiter limiter;
    final String client;
    final String key;
    final long cost;
    Decision decision;
    String[] marks;

    Part(ScriptedRateLimiter limiter, String client, String key, long cost) {
      this.limiter = limiter;
      this.client = client;
      this.key = key;
      this.cost = cost;
    }
  }

  /** The checks whose keys one script can take. */
  private static final class Group {
    final Endpoint endpoint;
    final int slot;
    final List<Part> parts = new ArrayList<>();
    boolean reserved;

    Group(Endpoint endpoint, int slot) {
      this.endpoint = endpoint;
      this.slot = slot;
    }
  }

  /**
   * Validates the checks and groups them.
   *
   * @param t the time, or -1 for the server's
   * @throws IllegalArgumentException as {@link dev.sluice.RateLimiterEngine#checkAll}
   */
  static MultiKeyCheck prepare(RedisEngine engine, List<KeyedCheck> checks, long t) {
    Checks.keyedChecks(checks);
    Part[] parts = new Part[checks.size()];
    Map<List<Object>, Group> groups = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      KeyedCheck c = checks.get(i);
      if (!(c.limiter() instanceof ScriptedRateLimiter l) || l.engine() != engine) {
        throw new IllegalArgumentException("check " + i + " (rule '" + c.limiter().rule().id()
            + "') has a limiter of another engine: " + c.limiter());
      }
      String key = engine.key(c.key(), l.script(), c.affinity());
      String routing = c.affinity() == null ? c.key() : RedisEngine.affinityTag(c.affinity());
      Endpoint endpoint = engine.backend().endpointFor(routing, key);
      int slot = engine.backend().slotOf(key);
      Part p = new Part(l, c.key(), key, c.cost());
      parts[i] = p;
      Group g = groups.computeIfAbsent(List.of(endpoint, slot), k -> new Group(endpoint, slot));
      g.parts.add(p);
    }
    List<Group> order = new ArrayList<>(groups.values());
    order.sort(Comparator.<Group>comparingInt(g -> g.slot).thenComparing(g -> g.endpoint.name()));
    return new MultiKeyCheck(engine, t, parts, order);
  }

  /** Decides; the stage never completes exceptionally (failures become policy decisions). */
  CompletableFuture<MultiDecision> run() {
    return reserveFrom(0).thenApply(v -> finish());
  }

  private CompletableFuture<Void> reserveFrom(int g) {
    if (g == groups.size()) {
      return CompletableFuture.completedFuture(null);
    }
    return call(groups.get(g), DECIDE).thenCompose(admitted -> {
      if (admitted) {
        return reserveFrom(g + 1);
      }
      List<CompletableFuture<?>> rest = new ArrayList<>();
      for (int i = 0; i < groups.size(); i++) {
        Group other = groups.get(i);
        if (i < g && other.reserved) {
          rest.add(refund(other));
        } else if (i > g) {
          rest.add(call(other, DESCRIBE));
        }
      }
      return CompletableFuture.allOf(rest.toArray(CompletableFuture[]::new));
    });
  }

  private MultiDecision finish() {
    List<Decision> out = new ArrayList<>(parts.length);
    for (Part p : parts) {
      out.add(p.decision);
    }
    MultiDecision d = MultiDecision.of(out);
    if (d.allowed()) {
      for (Part p : parts) {
        if (p.limiter.denials() != null) {
          p.limiter.denials().forget(p.key);
        }
      }
    }
    return d;
  }

  /** Runs the multi-key script on a group; true when every part was admitted (and consumed). */
  private CompletableFuture<Boolean> call(Group g, String mode) {
    CircuitBreaker breaker = g.endpoint.breaker();
    if (!breaker.tryAcquire()) {
      engine.stats.shortCircuited.increment();
      return CompletableFuture.completedFuture(degrade(g, breaker));
    }
    List<String> args = new ArrayList<>();
    args.add(Long.toString(t));
    args.add(Long.toString(engine.ttlPadMillis()));
    args.add(mode);
    args.add(Integer.toString(g.parts.size()));
    String[] keys = new String[g.parts.size()];
    for (int i = 0; i < keys.length; i++) {
      Part p = g.parts.get(i);
      keys[i] = p.key;
      args.add(Long.toString(p.cost));
      args.addAll(Arrays.asList(p.limiter.script().limitArgs()));
    }
    String[] argv = args.toArray(String[]::new);
    return engine.call(g.endpoint, CheckScripts.CHECK_ALL, keys, argv).thenApply(r -> {
      if (r == null) {
        return degrade(g, breaker);
      }
      try {
        long scriptTime = (Long) r.get(0);
        int at = 2;
        for (Part p : g.parts) {
          p.decision = p.limiter.toDecision(r, at, scriptTime);
          int k = 2 * p.limiter.rule().limits().size();
          p.marks = new String[k];
          for (int i = 0; i < k; i++) {
            p.marks[i] = Long.toString((Long) r.get(at + 9 + i));
          }
          at += 9 + k;
        }
        g.reserved = (Long) r.get(1) == 1;
        return g.reserved;
      } catch (RuntimeException e) {
        engine.stats.failures.increment();
        return degrade(g, breaker);
      }
    });
  }

  /**
   * Gives back a group's reservation; each part is then described as its state is after the
   * refund. A refund that fails leaves the reservation consumed (an under-admission, never an
   * over-admission) and the parts as the reservation described them.
   */
  private CompletableFuture<Void> refund(Group g) {
    if (!g.endpoint.breaker().tryAcquire()) {
      engine.stats.shortCircuited.increment();
      return CompletableFuture.completedFuture(null);
    }
    List<String> args = new ArrayList<>();
    args.add(Long.toString(t));
    args.add(Integer.toString(g.parts.size()));
    String[] keys = new String[g.parts.size()];
    for (int i = 0; i < keys.length; i++) {
      Part p = g.parts.get(i);
      keys[i] = p.key;
      args.add(Long.toString(p.cost));
      args.addAll(Arrays.asList(p.limiter.script().limitArgs()));
      args.addAll(Arrays.asList(p.marks));
    }
    String[] argv = args.toArray(String[]::new);
    return engine.call(g.endpoint, CheckScripts.REFUND, keys, argv).thenAccept(r -> {
      if (r == null) {
        return;
      }
      try {
        long scriptTime = (Long) r.get(0);
        for (int i = 0; i < g.parts.size(); i++) {
          Part p = g.parts.get(i);
          p.decision = p.limiter.toDecision(r, 1 + 9 * i, scriptTime);
        }
      } catch (RuntimeException e) {
        engine.stats.failures.increment();
      }
    });
  }

  /** Every part of a group decided by its rule's failure policy; true when all admit. */
  private boolean degrade(Group g, CircuitBreaker breaker) {
    boolean all = true;
    for (Part p : g.parts) {
      p.decision = p.limiter.degrade(p.client, p.cost, t, breaker);
      all &= p.decision.allowed();
    }
    g.reserved = false;
    return all;
  }
}
