package dev.sluice.tck;

import dev.sluice.Algorithm;
import dev.sluice.Limit;
import dev.sluice.Rule;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs a contract's test only where the engine's {@link EngineCapabilities} claim what its
 * {@link Requires} needs; otherwise skips it (an aborted test naming what is missing). It sees
 * each invocation's arguments, so a test parameterized by algorithm runs for the supported ones.
 */
final class CapabilityGate implements InvocationInterceptor {

  @Override
  public void interceptTestMethod(Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> call, ExtensionContext context) throws Throwable {
    gate(invocation, call);
  }

  @Override
  public void interceptTestTemplateMethod(Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> call, ExtensionContext context) throws Throwable {
    gate(invocation, call);
  }

  private static void gate(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call)
      throws Throwable {
    if (call.getTarget().orElse(null) instanceof ConformanceFixture fixture) {
      String missing = missing(fixture.capabilities(), call.getExecutable(), call.getArguments());
      if (missing != null) {
        invocation.skip();
        Assumptions.abort("the engine does not claim " + missing);
      }
    }
    invocation.proceed();
  }

  /** What {@code test} needs and {@code claimed} lacks, or null if nothing. */
  static String missing(EngineCapabilities claimed, Method test, List<Object> arguments) {
    Requires onType = test.getDeclaringClass().getAnnotation(Requires.class);
    Requires onMethod = test.getAnnotation(Requires.class);
    Requires effective = onMethod != null ? onMethod : onType;
    boolean exact = effective == null || effective.exact();
    boolean callerClock = effective == null || effective.callerClock();
    Set<Algorithm> needed = EnumSet.noneOf(Algorithm.class);
    for (Requires r : new Requires[] {onType, onMethod}) {
      if (r != null) {
        needed.addAll(List.of(r.algorithms()));
      }
    }
    for (Object argument : arguments) {
      if (argument instanceof Algorithm a) {
        needed.add(a);
      } else if (argument instanceof Limit l) {
        needed.add(l.algorithm());
      } else if (argument instanceof Rule rule) {
        rule.limits().forEach(l -> needed.add(l.algorithm()));
      } else if (argument instanceof HandCases.HandCase handCase) {
        handCase.rules().forEach(r -> r.limits().forEach(l -> needed.add(l.algorithm())));
      }
    }
    List<String> lacks = new ArrayList<>();
    if (exact && !claimed.isExact()) {
      lacks.add("exact decisions (it claims " + claimed.accuracy() + ")");
    }
    if (callerClock && !claimed.callerClock()) {
      lacks.add("decisions at a caller's timestamps");
    }
    needed.removeAll(claimed.algorithms());
    if (!needed.isEmpty()) {
      lacks.add("algorithms " + needed);
    }
    return lacks.isEmpty() ? null : String.join(", ", lacks);
  }
}
