package dev.sluice.tck.model;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule's limits decided together, per client ("Several limits" in docs/algorithms.md): allowed
 * iff every limit allows, and then every limit consumes; otherwise nothing changes.
 *
 * <p>Thread-safe (every method is synchronized); it does not validate its arguments.
 */
public final class RuleModel {
  private final Rule rule;
  private final Map<String, List<LimitModel>> clients = new HashMap<>();

  /** An empty model of {@code rule}: every client in its initial state. */
  public RuleModel(Rule rule) {
    this.rule = rule;
  }

  /** The rule modelled. */
  public Rule rule() {
    return rule;
  }

  /** Decides a request of {@code cost} permits by {@code client} at {@code t}. */
  public synchronized Decision check(String client, long cost, long t) {
    List<LimitModel> states = clients.get(client);
    if (states == null) {
      states = rule.limits().stream().map(LimitModel::initial).toList();
    }
    List<Step> steps = new ArrayList<>(states.size());
    for (LimitModel state : states) {
      steps.add(state.step(t, cost));
    }
    boolean allowed = steps.stream().allMatch(Step::allowed);
    int reported = allowed ? mostRestrictiveAllowed(steps) : mostRestrictiveDenied(steps);
    if (allowed) {
      clients.put(client, steps.stream().map(Step::next).toList());
    }
    Step step = steps.get(reported);
    Limit limit = rule.limits().get(reported);
    return new Decision(allowed, limit.permits(), step.remaining(), step.resetAt(),
        step.retryAfter(), reported, false);
  }

  /** Among the denying limits, the largest retryAfter; ties go to the lower index. */
  static int mostRestrictiveDenied(List<Step> steps) {
    int best = -1;
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      if (!s.allowed() && (best < 0 || s.retryAfter() > steps.get(best).retryAfter())) {
        best = i;
      }
    }
    return best;
  }

  /** The smallest remaining; ties go to the later resetAt, then to the lower index. */
  static int mostRestrictiveAllowed(List<Step> steps) {
    int best = 0;
    for (int i = 1; i < steps.size(); i++) {
      Step s = steps.get(i);
      Step b = steps.get(best);
      if (s.remaining() < b.remaining()
          || (s.remaining() == b.remaining() && s.resetAt() > b.resetAt())) {
        best = i;
      }
    }
    return best;
  }
}
