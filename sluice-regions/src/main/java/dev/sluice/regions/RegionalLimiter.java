package dev.sluice.regions;

import dev.sluice.Decision;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import java.util.concurrent.CompletionStage;

/** A rule's limiter on a {@link RegionalEngine}: decides against this region's allocation. */
final class RegionalLimiter implements RateLimiter {
  final RegionalEngine engine;
  final RegionalRule rule;

  RegionalLimiter(RegionalEngine engine, RegionalRule rule) {
    this.engine = engine;
    this.rule = rule;
  }

  @Override
  public Rule rule() {
    return rule.rule;
  }

  @Override
  public TimeSource timeSource() {
    return engine.timeSource();
  }

  @Override
  public Decision check(CharSequence key, long cost, long nowMicros) {
    return engine.check(rule, key, cost, nowMicros);
  }

  @Override
  public Decision check(long key, long cost, long nowMicros) {
    return engine.check(rule, Long.toString(key), cost, nowMicros);
  }

  @Override
  public CompletionStage<Decision> checkAsync(CharSequence key, long cost, long nowMicros) {
    return engine.checkAsync(rule, key, cost, nowMicros);
  }
}
