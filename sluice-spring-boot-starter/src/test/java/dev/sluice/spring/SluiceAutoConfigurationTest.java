package dev.sluice.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.decide.DecisionCounters;
import dev.sluice.servlet.SluiceFilter;
import dev.sluice.spring.autoconfigure.SluiceActuatorAutoConfiguration;
import dev.sluice.spring.autoconfigure.SluiceAutoConfiguration;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

/** Every branch of the auto-configuration, in contexts started for the purpose. */
class SluiceAutoConfigurationTest {
  private static final AutoConfigurations AUTO = AutoConfigurations.of(
      SluiceAutoConfiguration.class, SluiceActuatorAutoConfiguration.class);
  private static final String RULES = "sluice.rules.file=classpath:sluice-rules.yaml";

  private final ApplicationContextRunner plain = new ApplicationContextRunner()
      .withConfiguration(AUTO).withPropertyValues(RULES);
  private final WebApplicationContextRunner web = new WebApplicationContextRunner()
      .withConfiguration(AUTO).withPropertyValues(RULES);

  @Test
  void inMemoryByDefaultWithTheRulesFileHealthAndNoFilter() {
    plain.run(ctx -> {
      assertThat(ctx).hasNotFailed();
      Pipeline p = ctx.getBean(Pipeline.class);
      assertThat(p.engineName()).contains("in-memory");
      assertThat(p.book().rule("auth_strict")).isNotNull();
      assertThat(ctx.getBean(HealthIndicator.class).health().getStatus().getCode())
          .isEqualTo("UP");
      assertThat(ctx).doesNotHaveBean(FilterRegistrationBean.class);
    });
  }

  @Test
  void theRedisEngineOnARealServer() {
    try (RedisProcess redis = RedisServers.standalone()) {
      plain.withPropertyValues("sluice.engine.type=redis", "sluice.engine.uri=" + redis.uri(),
          "sluice.engine.command-timeout=5s").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(Pipeline.class).engineName()).contains("redis");
          });
    }
  }

  @Test
  void theFilterOnlyWhenEnabledInAServletApplication() {
    web.run(ctx -> assertThat(ctx).doesNotHaveBean(FilterRegistrationBean.class));
    web.withPropertyValues("sluice.filter.enabled=true").run(ctx -> {
      assertThat(ctx).hasSingleBean(FilterRegistrationBean.class);
      assertThat(ctx.getBean(FilterRegistrationBean.class).getFilter())
          .isInstanceOf(SluiceFilter.class);
    });
    plain.withPropertyValues("sluice.filter.enabled=true")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(FilterRegistrationBean.class));
  }

  @Test
  void decisionCountersOnTheApplicationsRegistry() {
    plain.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(ctx -> {
      assertThat(ctx.getBean(DecisionCounters.class)).isNotSameAs(DecisionCounters.NONE);
      assertThat(ctx.getBean(MeterRegistry.class).find("sluice_rules_active").gauge().value())
          .isEqualTo(4.0);
    });
  }

  @Test
  void aBadValueFailsStartUpNamingTheProperty() {
    plain.withPropertyValues("sluice.engine.type=nonsense").run(ctx -> assertThat(ctx)
        .getFailure().rootCause().hasMessageContaining("sluice.engine.type")
        .hasMessageContaining("nonsense"));
    plain.withPropertyValues("sluice.identity.trusted-proxies=not-an-address").run(ctx ->
        assertThat(ctx).getFailure().rootCause()
            .hasMessageContaining("sluice.identity.trusted-proxies"));
    plain.withPropertyValues("sluice.rules.reload-interval=soon").run(ctx -> assertThat(ctx)
        .getFailure().rootCause().hasMessageContaining("sluice.rules.reload-interval"));
    plain.withPropertyValues("sluice.rules.file=classpath:missing.yaml").run(ctx ->
        assertThat(ctx).getFailure().rootCause().hasMessageContaining("sluice.rules.file"));
  }

  @Test
  void anApplicationsOwnPipelineWins() {
    plain.withBean("mine", Pipeline.class, () -> Pipeline.start(
        dev.sluice.servlet.SluiceYaml.read(java.nio.file.Path.of("../config/sluice.yaml")),
        DecisionCounters.NONE, Pipeline.ReloadListener.NONE))
        .run(ctx -> assertThat(ctx).hasSingleBean(Pipeline.class).hasBean("mine"));
  }
}
