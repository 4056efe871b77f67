package dev.sluice.spring.autoconfigure;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.decide.DecisionCounters;
import dev.sluice.servlet.ServletDecisions;
import dev.sluice.servlet.SluiceFilter;
import dev.sluice.spring.RateLimited;
import dev.sluice.spring.RateLimitedException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Auto-configuration of the decision pipeline from the {@code sluice.*} properties
 * ({@link SluiceProperties}), with, as the application's class path allows: the servlet filter
 * ({@code sluice.filter.enabled=true}), {@link RateLimited} methods, 429 for
 * {@link RateLimitedException} in Spring MVC, the decision metrics on the application's
 * Micrometer registry, an engine health contributor and the {@code sluice} Actuator endpoint.
 * An application that defines its own {@link Pipeline} bean keeps it.
 */
@AutoConfiguration
@EnableConfigurationProperties(SluiceProperties.class)
@Import(SluiceAutoConfiguration.ProxyCreator.class)
public class SluiceAutoConfiguration {

  /**
   * The pipeline, started from the properties; closed with the context.
   *
   * @throws IllegalStateException naming every bad {@code sluice.*} property
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Pipeline sluicePipeline(Environment env,
      ObjectProvider<DecisionCounters> counters) {
    return Pipeline.start(PipelineProperties.read(env),
        counters.getIfAvailable(() -> DecisionCounters.NONE), Pipeline.ReloadListener.NONE);
  }

  /** Proxies the beans with {@link RateLimited} methods. */
  @Bean
  @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
  public static Advisor sluiceRateLimitedAdvisor(ObjectProvider<Pipeline> pipeline) {
    ComposablePointcut where = new ComposablePointcut(
        new AnnotationMatchingPointcut(RateLimited.class, true))
        .union(AnnotationMatchingPointcut.forMethodAnnotation(RateLimited.class));
    DefaultPointcutAdvisor advisor =
        new DefaultPointcutAdvisor(where, new RateLimitedInterceptor(pipeline::getObject));
    advisor.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
    return advisor;
  }

  /**
   * Makes sure an auto-proxy creator runs (Spring Boot's AOP auto-configuration may be off),
   * proxying classes, since controllers rarely have interfaces.
   */
  static final class ProxyCreator implements ImportBeanDefinitionRegistrar {
    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata,
        BeanDefinitionRegistry registry) {
      AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
      AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
    }
  }

  /**
   * The decision counters on the application's Micrometer registry (none when the application
   * has no registry). The registry is looked up when the pipeline starts, so the order of the
   * auto-configurations does not matter.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  static class Metrics {
    @Bean
    @ConditionalOnMissingBean(DecisionCounters.class)
    DecisionCounters sluiceDecisionCounters(ObjectProvider<MeterRegistry> registry) {
      MeterRegistry r = registry.getIfUnique();
      return r == null ? DecisionCounters.NONE : new MicrometerDecisionCounters(r);
    }

    /** The gauges read from the pipeline, registered once every singleton exists. */
    @Bean
    SmartInitializingSingleton sluiceMetricsBinder(ObjectProvider<DecisionCounters> counters,
        ObjectProvider<Pipeline> pipeline) {
      return () -> {
        if (counters.getIfUnique() instanceof MicrometerDecisionCounters m) {
          m.bind(pipeline.getObject());
        }
      };
    }
  }

  /** The servlet filter and the 429 of {@link RateLimitedException}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(jakarta.servlet.Filter.class)
  static class Servlet {
    @Bean
    @ConditionalOnBooleanProperty("sluice.filter.enabled")
    FilterRegistrationBean<SluiceFilter> sluiceFilter(Pipeline pipeline,
        SluiceProperties properties) {
      FilterRegistrationBean<SluiceFilter> reg =
          new FilterRegistrationBean<>(new SluiceFilter(pipeline));
      reg.setName("sluiceFilter");
      reg.setOrder(properties.getFilter().getOrder());
      reg.addUrlPatterns("/*");
      return reg;
    }

    @Bean
    @ConditionalOnClass(HandlerExceptionResolver.class)
    HandlerExceptionResolver sluiceRateLimitedResolver(Pipeline pipeline) {
      return new RateLimitedResolver(pipeline);
    }
  }

  /** Answers {@link RateLimitedException} with 429, the headers and the problem document. */
  static final class RateLimitedResolver implements HandlerExceptionResolver, Ordered {
    private final Pipeline pipeline;

    RateLimitedResolver(Pipeline pipeline) {
      this.pipeline = pipeline;
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request,
        HttpServletResponse response, Object handler, Exception ex) {
      if (!(ex instanceof RateLimitedException denied)) {
        return null;
      }
      try {
        ServletDecisions.deny(pipeline, response, denied.outcome());
      } catch (java.io.IOException e) {
        return null;
      }
      return new ModelAndView();
    }

    @Override
    public int getOrder() {
      return Ordered.HIGHEST_PRECEDENCE;
    }
  }
}
