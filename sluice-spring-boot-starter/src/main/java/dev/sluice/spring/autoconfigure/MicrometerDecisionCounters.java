package dev.sluice.spring.autoconfigure;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.decide.DecisionCounters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The pipeline's decision counters on the application's registry, with the service's names
 * ({@code sluice_decisions_total{rule,outcome}}, {@code sluice_rules_active},
 * {@code sluice_backend_circuit_state{engine}}). Bound here rather than through the service's
 * metrics binding, which lives with the Vert.x front ends and would bring Vert.x into the
 * application.
 */
final class MicrometerDecisionCounters implements DecisionCounters {
  private final MeterRegistry registry;

  MicrometerDecisionCounters(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Tally tally(String rule, String outcome) {
    Counter c = Counter.builder("sluice_decisions_total").description("Check decisions")
        .tag("rule", rule).tag("outcome", outcome).register(registry);
    return c::increment;
  }

  /** The gauges read from {@code pipeline} once it runs. */
  void bind(Pipeline pipeline) {
    Supplier<Pipeline> p = () -> pipeline;
    Gauge.builder("sluice_rules_active", p, s -> s.get().book().ruleSet().rules().size())
        .description("Rules in force").strongReference(true).register(registry);
    Gauge.builder("sluice_backend_circuit_state", p,
            s -> s.get().engineHealth().worst().ordinal())
        .description("Circuit breaker of the engine: 0 closed, 1 half-open, 2 open")
        .tag("engine", pipeline.engineName()).strongReference(true).register(registry);
  }
}
