package dev.sluice.grpc;

import dev.sluice.Decision;
import dev.sluice.KeyedCheck;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides the checks of one RLS request: the one place where a request's descriptors meet the
 * engine. Every call is asynchronous, so a gRPC thread never waits on a remote engine.
 *
 * <p>Two modes:
 * <ul>
 *   <li>all-or-nothing (the default): the request's blocking checks are one multi-key check of
 *       the engine ({@link RateLimiterEngine#checkAllAsync}): a request over the limit on any
 *       blocking descriptor consumes nothing on the others, on every engine and across every
 *       instance sharing a Redis engine. A part whose own limits admit is reported allowed even
 *       when the whole is denied (its status is OK; the overall code is OVER_LIMIT). Two
 *       descriptors that resolve to one counter (same rule, same key) are one part whose cost is
 *       their sum, and both report its decision. At most {@link KeyedCheck#MAX_CHECKS} distinct
 *       blocking counters per request; more is an {@link IllegalArgumentException}.
 *   <li>count-everything (ERL's behaviour): every check is decided on its own; a descriptor
 *       within its limit consumes its hits even when another descriptor is over its limit.
 * </ul>
 * Shadow-mode checks never block the others: they are decided on their own in both modes.
 *
 * <p>Thread-safe and stateless.
 */
final class DescriptorDecider {

  /**
   * One check of a request.
   *
   * @param limiter the limiter of the descriptor's rule
   * @param key the counter key
   * @param cost the hits, {@code >= 1}
   * @param blocking false for a shadow-mode descriptor, whose denial never blocks the others
   */
  record Check(RateLimiter limiter, String key, long cost, boolean blocking) {
  }

  private final boolean allOrNothing;
  private final RateLimiterEngine engine;

  DescriptorDecider(boolean allOrNothing, RateLimiterEngine engine) {
    this.allOrNothing = allOrNothing;
    this.engine = engine;
  }

  /** The decisions of {@code checks}, in their order. */
  CompletionStage<List<Decision>> decide(List<Check> checks) {
    long blocking = checks.stream().filter(Check::blocking).count();
    if (!allOrNothing || blocking <= 1) {
      return each(checks);
    }
    // One part per distinct (rule, key) among the blocking checks, costs summed.
    Map<List<Object>, Integer> partOf = new LinkedHashMap<>();
    List<Check> parts = new ArrayList<>();
    int[] part = new int[checks.size()];
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      if (!c.blocking()) {
        part[i] = -1;
        continue;
      }
      List<Object> id = List.of(c.limiter().rule(), c.key());
      Integer p = partOf.get(id);
      if (p == null) {
        partOf.put(id, parts.size());
        part[i] = parts.size();
        parts.add(c);
      } else {
        Check merged = parts.get(p);
        parts.set(p, new Check(merged.limiter(), merged.key(),
            Math.addExact(merged.cost(), c.cost()), true));
        part[i] = p;
      }
    }
    if (parts.size() > KeyedCheck.MAX_CHECKS) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("descriptors: "
          + parts.size() + " distinct limited descriptors exceed the " + KeyedCheck.MAX_CHECKS
          + " decided atomically"));
    }
    List<KeyedCheck> keyed = new ArrayList<>(parts.size());
    for (Check c : parts) {
      keyed.add(KeyedCheck.of(c.limiter(), c.key(), c.cost()));
    }
    List<CompletableFuture<Decision>> shadows = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      shadows.add(c.blocking() ? null
          : c.limiter().checkAsync(c.key(), c.cost()).toCompletableFuture());
    }
    return engine.checkAllAsync(keyed).thenCompose(m -> {
      List<CompletableFuture<Decision>> out = new ArrayList<>(checks.size());
      for (int i = 0; i < checks.size(); i++) {
        out.add(part[i] >= 0 ? CompletableFuture.completedFuture(m.parts().get(part[i]))
            : shadows.get(i));
      }
      return all(out);
    });
  }

  private static CompletionStage<List<Decision>> each(List<Check> checks) {
    List<CompletableFuture<Decision>> out = new ArrayList<>();
    for (Check c : checks) {
      out.add(c.limiter().checkAsync(c.key(), c.cost()).toCompletableFuture());
    }
    return all(out);
  }

  private static CompletableFuture<List<Decision>> all(List<CompletableFuture<Decision>> fs) {
    return CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
        .thenApply(v -> fs.stream().map(CompletableFuture::join).toList());
  }
}
