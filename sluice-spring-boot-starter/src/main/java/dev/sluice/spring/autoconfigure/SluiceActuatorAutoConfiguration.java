package dev.sluice.spring.autoconfigure;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.rules.RuleSet;
import dev.sluice.rules.response.RateLimitFields;
import dev.sluice.spi.EngineHealth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator parts, each on when its module is on the class path: the {@code sluice} health
 * contributor (the engine's circuits and synced views, from {@link EngineHealth}) and the
 * {@code sluice} endpoint (the rules in force and their version).
 */
@AutoConfiguration(after = SluiceAutoConfiguration.class)
@ConditionalOnBean(Pipeline.class)
public class SluiceActuatorAutoConfiguration {

  /** The engine's health: DOWN while a circuit is open, with every circuit and synced view. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class HealthContributor {
    @Bean
    @ConditionalOnMissingBean(name = "sluiceHealthIndicator")
    HealthIndicator sluiceHealthIndicator(Pipeline pipeline) {
      return () -> {
        EngineHealth h = pipeline.engineHealth();
        Health.Builder b = switch (h.worst()) {
          case CLOSED -> Health.up();
          case HALF_OPEN -> Health.unknown();
          case OPEN -> Health.down();
        };
        b.withDetail("engine", pipeline.engineName()).withDetail("circuit", h.worst().name());
        if (!h.breakers().isEmpty()) {
          b.withDetail("breakers", h.breakers().stream()
              .map(x -> Map.of("endpoint", x.endpoint(), "circuit", x.circuit().name()))
              .toList());
        }
        if (!h.syncs().isEmpty()) {
          b.withDetail("syncs", h.syncs().stream().map(s -> Map.of("peer", s.peer(),
              "lastSuccessAgeMillis", s.lastSuccessAgeMillis(), "current", s.current()))
              .toList());
        }
        return b.build();
      };
    }
  }

  /** The {@code sluice} endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  static class Rules {
    @Bean
    @ConditionalOnMissingBean
    SluiceEndpoint sluiceEndpoint(Pipeline pipeline) {
      return new SluiceEndpoint(pipeline);
    }
  }

  /** {@code GET /actuator/sluice}: the engine, the rules in force and their version. */
  @Endpoint(id = "sluice")
  public static class SluiceEndpoint {
    private final Pipeline pipeline;

    SluiceEndpoint(Pipeline pipeline) {
      this.pipeline = pipeline;
    }

    /** The engine, the version (entity tag) of the rule set and its rules. */
    @ReadOperation
    public Map<String, Object> rules() {
      RuleSet set = pipeline.book().ruleSet();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("engine", pipeline.engineName());
      out.put("store", pipeline.store().name());
      out.put("version", set.etag());
      List<Map<String, Object>> rules = set.rules().stream().map(r -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("priority", r.priority());
        m.put("shadow", r.shadow());
        m.put("policy", RateLimitFields.policy(r));
        return m;
      }).toList();
      out.put("rules", rules);
      return out;
    }
  }
}
