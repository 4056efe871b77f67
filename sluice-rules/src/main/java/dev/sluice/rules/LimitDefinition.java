package dev.sluice.rules;

import dev.sluice.Limit;

/**
 * One limit of a rule as configured: a core {@link Limit} and the scope whose requests it counts.
 *
 * @param limit the validated core limit (algorithm, permits per window, burst)
 * @param scope whose requests are counted together
 */
public record LimitDefinition(Limit limit, Scope scope) {}
