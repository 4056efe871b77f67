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
    Outcome o = peek(client, cost, t);
    if (o.decision().allowed()) {
      commit(client, o);
    }
    return o.decision();
  }

  /**
   * What {@link #check} would decide, changing nothing: the decision, the states it would
   * leave, and the decision as the unconsumed states describe it (for a multi-key check whose
   * whole is denied: an admitting rule then reports the permits it has now).
   */
  public synchronized Outcome peek(String client, long cost, long t) {
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
    Step step = steps.get(reported);
    Limit limit = rule.limits().get(reported);
    Decision decision = new Decision(allowed, limit.permits(), step.remaining(), step.resetAt(),
        step.retryAfter(), reported, false);
    Decision unconsumed = decision;
    if (allowed) {
      // A cost no limit can admit is denied by every limit, and a denial reports the state as
      // it is: its remaining and resetAt are what the unconsumed state has now.
      List<Step> now = new ArrayList<>(states.size());
      for (int i = 0; i < states.size(); i++) {
        now.add(states.get(i).step(t, rule.limits().get(i).burst() + 1));
      }
      int pick = mostRestrictiveAllowed(now);
      unconsumed = new Decision(true, rule.limits().get(pick).permits(),
          now.get(pick).remaining(), now.get(pick).resetAt(), 0, pick, false);
    }
    return new Outcome(decision, unconsumed, steps.stream().map(Step::next).toList());
  }

  /** Keeps the states of an allowed {@link #peek}. */
  public synchronized void commit(String client, Outcome outcome) {
    clients.put(client, outcome.next());
  }

  /**
   * A decision not yet applied.
   *
   * @param decision what {@link #check} decides
   * @param unconsumed the same decision described on the states before it (equal to
   *     {@code decision} when denied)
   * @param next the states after an allowed decision
   */
  public record Outcome(Decision decision, Decision unconsumed, List<LimitModel> next) {}

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
