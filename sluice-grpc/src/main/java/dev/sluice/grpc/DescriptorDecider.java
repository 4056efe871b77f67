package dev.sluice.grpc;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides the checks of one RLS request: the one place where a request's descriptors meet the
 * engine. Every call is asynchronous ({@link RateLimiter#checkAsync}), so a gRPC thread never
 * waits on a remote engine.
 *
 * <p>Two modes:
 * <ul>
 *   <li>count-everything (ERL's behaviour): every check is decided on its own; a descriptor
 *       within its limit consumes its hits even when another descriptor of the request is over
 *       its limit.
 *   <li>all-or-nothing (the default): a request over the limit on any blocking descriptor
 *       consumes nothing on the others. A part whose own limits admit is reported allowed
 *       even when the whole is denied.
 * </ul>
 *
 * <p><b>Interim implementation, until the engine's multi-key check lands</b>
 * ({@code RateLimiterEngine.checkAll(List<KeyedCheck>)}): all-or-nothing is done in two phases
 * with today's single-key API. Phase 1 asks each blocking check for its state without consuming:
 * a check of {@link Limit#MAX_PERMITS} permits, always denied, so it consumes nothing and reports
 * the remaining permits. If every part has room, phase 2 consumes each part with its real cost.
 * Two concurrent requests can both pass phase 1 and then race in phase 2, and for a rule of
 * several limits the phase-1 remaining describes only the limit reported; in both cases a part
 * can consume while another part is then denied. A request of one descriptor is exact (one
 * check). When {@code checkAllAsync} exists, {@link #decide} becomes one call to it.
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

  DescriptorDecider(boolean allOrNothing) {
    this.allOrNothing = allOrNothing;
  }

  /** The decisions of {@code checks}, in their order. */
  CompletionStage<List<Decision>> decide(List<Check> checks) {
    long blocking = checks.stream().filter(Check::blocking).count();
    if (!allOrNothing || blocking <= 1) {
      return each(checks);
    }
    List<CompletableFuture<Decision>> peeks = new ArrayList<>();
    for (Check c : checks) {
      peeks.add(c.limiter().checkAsync(c.key(), Limit.MAX_PERMITS).toCompletableFuture());
    }
    return CompletableFuture.allOf(peeks.toArray(CompletableFuture[]::new)).thenCompose(v -> {
      boolean room = true;
      for (int i = 0; i < checks.size(); i++) {
        if (checks.get(i).blocking() && !hasRoom(peeks.get(i).join(), checks.get(i).cost())) {
          room = false;
        }
      }
      if (room) {
        return each(checks);
      }
      // Denied as a whole: nothing is consumed on any part. A part without room gets a real
      // check (denied, so free) for its retry-after; the others are reported as admitted by
      // their own limits, with what they would leave.
      List<CompletableFuture<Decision>> out = new ArrayList<>();
      for (int i = 0; i < checks.size(); i++) {
        Check c = checks.get(i);
        Decision p = peeks.get(i).join();
        if (hasRoom(p, c.cost())) {
          out.add(CompletableFuture.completedFuture(new Decision(true, p.limit(),
              p.remaining() - c.cost(), p.resetAtMicros(), 0, p.limitIndex(), p.degraded())));
        } else {
          out.add(c.limiter().checkAsync(c.key(), c.cost()).toCompletableFuture());
        }
      }
      return all(out);
    });
  }

  /** Whether the state in a free probe {@code p} has room for {@code cost}. */
  private static boolean hasRoom(Decision p, long cost) {
    return !p.allowed() && p.remaining() >= cost;
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
