package dev.sluice.spi;

import dev.sluice.KeyedCheck;
import dev.sluice.MultiDecision;
import dev.sluice.RateLimiterEngine;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * An engine that decides in the calling thread without I/O (the in-memory engine, the engines
 * that decide on this instance's states and exchange them in the background): its asynchronous
 * form is its synchronous one, completed before it returns.
 */
public interface InlineEngine extends RateLimiterEngine {

  /**
   * Decides now by {@link #timeSource()} and completes before it returns, exceptionally on what
   * {@link #checkAll} throws.
   */
  @Override
  default CompletionStage<MultiDecision> checkAllAsync(List<KeyedCheck> checks) {
    return MultiKeyChecks.decidedInline(this, checks);
  }

  /** True: every decision is made in the calling thread, without I/O. */
  @Override
  default boolean decidesInline() {
    return true;
  }
}
