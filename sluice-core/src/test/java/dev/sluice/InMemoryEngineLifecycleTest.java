package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryEngineLifecycleTest {

  @Test
  void equalRules_shareStateWhileALimiterIsHeld() {
    InMemoryEngine engine = InMemoryEngine.create();
    RateLimiter held = engine.limiter(Rule.of("r", Limit.fixedWindow(2, Duration.ofHours(1))));
    held.check("a", 2, 0);
    RateLimiter again = engine.limiter(Rule.of("r", Limit.fixedWindow(2, Duration.ofHours(1))));
    assertThat(again.check("a", 1, 1).allowed()).isFalse();
    assertThat(engine.trackedClients()).isEqualTo(1);
  }

  @Test
  void aRuleNoLimiterHoldsAnyMore_releasesItsState() throws InterruptedException {
    InMemoryEngine engine = InMemoryEngine.create();
    for (int i = 0; i < 100; i++) {
      engine.limiter(Rule.of("gone" + i, Limit.fixedWindow(2, Duration.ofHours(1))))
          .check("a", 1, 0);
    }
    RateLimiter kept = engine.limiter(Rule.of("kept", Limit.fixedWindow(2, Duration.ofHours(1))));
    kept.check("a", 1, 0);
    for (int i = 0; i < 50 && engine.trackedClients() > 1; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(engine.trackedClients()).isEqualTo(1);
    assertThat(kept.check("a", 1, 1).remaining()).isZero();
  }
}
