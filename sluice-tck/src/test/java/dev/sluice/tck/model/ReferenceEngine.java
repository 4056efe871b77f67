package dev.sluice.tck.model;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.RateLimiterEngine;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference models behind the public engine API, so that the conformance suite's
 * hand-computed cases also check the models ({@code ReferenceEngineConformanceTest}). Slow and
 * never evicts; validates arguments like every engine must. Thread-safe.
 */
public final class ReferenceEngine implements RateLimiterEngine {
  private final TimeSource timeSource;
  private final Map<Rule, RuleModel> rules = new ConcurrentHashMap<>();

  /** An empty engine reading "now" from {@code timeSource}. */
  public ReferenceEngine(TimeSource timeSource) {
    this.timeSource = timeSource;
  }

  @Override
  public RateLimiter limiter(Rule rule) {
    if (rule == null) {
      throw new IllegalArgumentException("rule must not be null");
    }
    return new Limiter(rules.computeIfAbsent(rule, RuleModel::new), timeSource);
  }

  @Override
  public TimeSource timeSource() {
    return timeSource;
  }

  @Override
  public void close() {
    rules.clear();
  }

  private record Limiter(RuleModel model, TimeSource timeSource) implements RateLimiter {
    @Override
    public Rule rule() {
      return model.rule();
    }

    @Override
    public Decision check(CharSequence key, long cost, long nowMicros) {
      if (key == null) {
        throw new IllegalArgumentException("client key must not be null");
      }
      return check(key.toString(), cost, nowMicros);
    }

    @Override
    public Decision check(long key, long cost, long nowMicros) {
      return check(String.valueOf(key), cost, nowMicros);
    }

    @Override
    public boolean tryAcquire(CharSequence key, long cost, long nowMicros) {
      return check(key, cost, nowMicros).allowed();
    }

    @Override
    public boolean tryAcquire(long key, long cost, long nowMicros) {
      return check(key, cost, nowMicros).allowed();
    }

    private Decision check(String key, long cost, long nowMicros) {
      if (cost < 1) {
        throw new IllegalArgumentException("cost " + cost + " must be >= 1");
      }
      if (nowMicros < 0 || nowMicros > Limit.MAX_TIME) {
        throw new IllegalArgumentException("timestamp " + nowMicros + "us is out of range");
      }
      return model.check(key, cost, nowMicros);
    }
  }
}
