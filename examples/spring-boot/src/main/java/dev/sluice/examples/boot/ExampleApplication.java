package dev.sluice.examples.boot;

import dev.sluice.spring.RateLimited;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Sluice in a Spring Boot application: the filter on every request and one annotated method. */
@SpringBootApplication
@RestController
public class ExampleApplication {
  public static void main(String[] args) {
    SpringApplication.run(ExampleApplication.class, args);
  }

  /** Limited by the filter: rule auth_strict (POST /api/auth/**, 5 a minute per client). */
  @PostMapping("/api/auth/login")
  public String login() {
    return "welcome\n";
  }

  /** Limited by the annotation: rule auth_strict, counted per account. */
  @GetMapping("/accounts/{id}/export")
  @RateLimited(rule = "auth_strict", key = "'account:' + #id")
  public String export(@PathVariable String id) {
    return "export of " + id + "\n";
  }
}
