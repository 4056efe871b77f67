package dev.sluice.tck.model;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.RateLimiter;
import dev.sluice.Rule;
import dev.sluice.TimeSource;
import dev.sluice.KeyedCheck;
import dev.sluice.MultiDecision;
import dev.sluice.spi.InlineEngine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The reference models behind the public engine API, so that the conformance suite's
 * hand-computed cases also check the models ({@code ReferenceEngineConformanceTest}). Slow and
 * never evicts; validates arguments like every engine must. Thread-safe: every decision, single
 * or multi-key, holds one engine-wide lock, which makes multi-key checks atomic the obvious way.
 */
public final class ReferenceEngine implements InlineEngine {
  private final TimeSource timeSource;
  private final Map<Rule, RuleModel> rules = new ConcurrentHashMap<>();
  private final Object lock = new Object();

  /** An empty engine reading "now" from {@code timeSource}. */
  public ReferenceEngine(TimeSource timeSource) {
    this.timeSource = timeSource;
  }

  @Override
  public RateLimiter limiter(Rule rule) {
    if (rule == null) {
      throw new IllegalArgumentException("rule must not be null");
    }
    return new Limiter(this, rules.computeIfAbsent(rule, RuleModel::new), timeSource);
  }

  @Override
  public MultiDecision checkAll(List<KeyedCheck> checks, long nowMicros) {
    if (checks == null || checks.isEmpty() || checks.size() > KeyedCheck.MAX_CHECKS) {
      throw new IllegalArgumentException("a multi-key check takes 1 to " + KeyedCheck.MAX_CHECKS
          + " checks, not " + (checks == null ? null : checks.size()));
    }
    if (nowMicros < 0 || nowMicros > Limit.MAX_TIME) {
      throw new IllegalArgumentException("timestamp " + nowMicros + "us is out of range");
    }
    Set<String> seen = new HashSet<>();
    for (KeyedCheck c : checks) {
      if (c == null) {
        throw new IllegalArgumentException("a multi-key check holds a null check");
      }
      if (!(c.limiter() instanceof Limiter l) || l.engine != this) {
        throw new IllegalArgumentException("limiter of another engine: " + c.limiter());
      }
      if (!seen.add(c.limiter().rule() + "\u0000" + c.key())) {
        throw new IllegalArgumentException("rule '" + c.limiter().rule().id() + "' with key '"
            + c.key() + "' appears twice");
      }
    }
    synchronized (lock) {
      List<RuleModel.Outcome> outcomes = new ArrayList<>();
      boolean all = true;
      for (KeyedCheck c : checks) {
        RuleModel.Outcome o = ((Limiter) c.limiter()).model.peek(c.key(), c.cost(), nowMicros);
        outcomes.add(o);
        all &= o.decision().allowed();
      }
      List<Decision> parts = new ArrayList<>();
      for (int i = 0; i < checks.size(); i++) {
        RuleModel.Outcome o = outcomes.get(i);
        if (all) {
          ((Limiter) checks.get(i).limiter()).model.commit(checks.get(i).key(), o);
        }
        parts.add(all ? o.decision() : o.unconsumed());
      }
      return MultiDecision.of(parts);
    }
  }

  @Override
  public TimeSource timeSource() {
    return timeSource;
  }

  @Override
  public void close() {
    rules.clear();
  }

  private record Limiter(ReferenceEngine engine, RuleModel model, TimeSource timeSource)
      implements RateLimiter {
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

    private Decision check(String key, long cost, long nowMicros) {
      if (cost < 1) {
        throw new IllegalArgumentException("cost " + cost + " must be >= 1");
      }
      if (nowMicros < 0 || nowMicros > Limit.MAX_TIME) {
        throw new IllegalArgumentException("timestamp " + nowMicros + "us is out of range");
      }
      synchronized (engine.lock) {
        return model.check(key, cost, nowMicros);
      }
    }
  }
}
