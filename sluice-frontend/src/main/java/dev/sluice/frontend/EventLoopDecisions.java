package dev.sluice.frontend;

import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.decide.Outcome;
import dev.sluice.rules.decide.RuleBook;
import dev.sluice.rules.decide.ScopeKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The decide step of a front end on Vert.x, never blocking an event loop: inline when the engine
 * decides in the calling thread without I/O ({@link RuleBook#inline()}), the cheaper call; else
 * asynchronously, completing on the caller's context when the engine has answered.
 *
 * <p>Stateless and thread-safe.
 */
public final class EventLoopDecisions {
  private EventLoopDecisions() {}

  /**
   * Decides a request of {@code cost} under {@code rule} (null: no rule governs it).
   *
   * @return the outcome, already complete on an inline engine; failed when the engine failed
   */
  public static Future<Outcome> decide(Vertx vertx, RuleBook book, RuleDefinition rule,
      ScopeKeys keys, long cost) {
    if (book.inline()) {
      try {
        return Future.succeededFuture(book.decideBlocking(rule, keys, cost));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    return Future.fromCompletionStage(book.decide(rule, keys, cost), vertx.getOrCreateContext());
  }
}
