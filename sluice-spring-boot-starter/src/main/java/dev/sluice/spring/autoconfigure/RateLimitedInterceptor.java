package dev.sluice.spring.autoconfigure;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.decide.Outcome;
import dev.sluice.rules.decide.RuleBook;
import dev.sluice.rules.decide.ScopeKeys;
import dev.sluice.rules.identity.ClientIdentity;
import dev.sluice.servlet.ServletDecisions;
import dev.sluice.spring.RateLimited;
import dev.sluice.spring.RateLimitedException;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Decides every call of a {@link RateLimited} method through the pipeline before it runs.
 *
 * <p>Thread-safe.
 */
final class RateLimitedInterceptor implements MethodInterceptor {
  private static final boolean SERVLET = ClassUtils.isPresent(
      "org.springframework.web.context.request.RequestContextHolder", null)
      && ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest", null);

  private final Supplier<Pipeline> pipelines;
  private final SpelExpressionParser parser = new SpelExpressionParser();
  private final ParameterNameDiscoverer names = new DefaultParameterNameDiscoverer();
  private final Map<String, Expression> expressions = new ConcurrentHashMap<>();

  /** Over the pipeline {@code pipelines} gives on the first call (never during start-up). */
  RateLimitedInterceptor(Supplier<Pipeline> pipelines) {
    this.pipelines = pipelines;
  }

  @Override
  public Object invoke(MethodInvocation call) throws Throwable {
    Object target = call.getThis();
    Class<?> type = target != null ? AopUtils.getTargetClass(target)
        : call.getMethod().getDeclaringClass();
    Method method = AopUtils.getMostSpecificMethod(call.getMethod(), type);
    RateLimited spec = AnnotatedElementUtils.findMergedAnnotation(method, RateLimited.class);
    if (spec == null) {
      spec = AnnotatedElementUtils.findMergedAnnotation(type, RateLimited.class);
    }
    if (spec == null) {
      return call.proceed();
    }
    if (spec.cost() < 1) {
      throw new IllegalArgumentException("@RateLimited(cost = " + spec.cost() + ") on "
          + method + ": cost must be at least 1");
    }
    Pipeline pipeline = pipelines.get();
    RuleBook book = pipeline.book();
    RuleDefinition rule = book.rule(spec.rule());
    if (rule == null) {
      throw new IllegalStateException("@RateLimited(rule = \"" + spec.rule() + "\") on "
          + method + ": no rule with that id is in force");
    }
    Object request = SERVLET ? currentRequest() : null;
    ClientIdentity who = identity(pipeline, spec, method, call.getArguments(), target,
        request);
    String endpoint = type.getSimpleName() + "." + method.getName();
    Outcome outcome = book.decideBlocking(rule, new ScopeKeys(who, endpoint), spec.cost());
    if (outcome.allowed()) {
      return call.proceed();
    }
    RateLimitedException denied = new RateLimitedException(outcome);
    if (spec.fallback().isEmpty()) {
      throw denied;
    }
    return fallback(spec.fallback(), type, method, target, call.getArguments(), denied);
  }

  private ClientIdentity identity(Pipeline pipeline, RateLimited spec, Method method,
      Object[] args, Object target, Object request) {
    if (spec.key().isEmpty()) {
      if (request == null) {
        throw new IllegalStateException("@RateLimited on " + method + " outside a servlet "
            + "request: name the client with key = \"<SpEL>\"");
      }
      return ServletDecisions.identify(pipeline, (HttpServletRequest) request);
    }
    MethodBasedEvaluationContext ctx =
        new MethodBasedEvaluationContext(target, method, args, names);
    ctx.setVariable("request", request);
    Expression e = expressions.computeIfAbsent(spec.key(), parser::parseExpression);
    Object key = e.getValue(ctx);
    if (key == null) {
      throw new IllegalStateException("@RateLimited(key = \"" + spec.key() + "\") on " + method
          + " gave null");
    }
    return new ClientIdentity(key.toString(), null, null, null);
  }

  private static Object currentRequest() {
    RequestAttributes a = RequestContextHolder.getRequestAttributes();
    return a instanceof ServletRequestAttributes s ? s.getRequest() : null;
  }

  private static Object fallback(String name, Class<?> type, Method method, Object target,
      Object[] args, RateLimitedException denied) throws Throwable {
    Class<?>[] params = method.getParameterTypes();
    Class<?>[] withException = Arrays.copyOf(params, params.length + 1);
    withException[params.length] = RateLimitedException.class;
    Method fb = ReflectionUtils.findMethod(type, name, withException);
    Object[] fbArgs = args;
    if (fb != null) {
      fbArgs = Arrays.copyOf(args, args.length + 1);
      fbArgs[args.length] = denied;
    } else {
      fb = ReflectionUtils.findMethod(type, name, params);
    }
    if (fb == null) {
      throw new IllegalStateException("@RateLimited(fallback = \"" + name + "\") on " + method
          + ": no method " + name + " with the same parameters in " + type.getName());
    }
    ReflectionUtils.makeAccessible(fb);
    try {
      return fb.invoke(target, fbArgs);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
