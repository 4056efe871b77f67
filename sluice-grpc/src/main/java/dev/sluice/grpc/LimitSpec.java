package dev.sluice.grpc;

import dev.sluice.Rule;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit;
import java.util.List;

/**
 * The limit of one configured descriptor: ERL's {@code rate_limit} (one limit) or Sluice's
 * {@code rate_limits} (several, decided together as one {@link Rule}).
 *
 * @param rule the limits as one rule; null when {@code unlimited}
 * @param reported per limit of the rule, what a status reports as {@code current_limit}
 * @param names the {@code name}s of the limits, for {@code replaces}; may be empty
 * @param replaces names of the limits this one replaces
 * @param unlimited ERL's {@code unlimited: true}: always OK, never counted by the engine
 */
record LimitSpec(Rule rule, List<RateLimit> reported, List<String> names, List<String> replaces,
    boolean unlimited) {

  LimitSpec {
    reported = List.copyOf(reported);
    names = List.copyOf(names);
    replaces = List.copyOf(replaces);
  }
}
