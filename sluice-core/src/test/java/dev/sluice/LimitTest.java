package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LimitTest {

  @Test
  void negativePermits_isRejectedNamingTheValue() {
    assertThatThrownBy(() -> Limit.fixedWindow(-3, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-3");
  }

  @Test
  void zeroOrNegativeWindow_isRejectedNamingTheValue() {
    assertThatThrownBy(() -> Limit.tokenBucket(3, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> Limit.tokenBucket(3, Duration.ofSeconds(-2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-2S");
  }

  @Test
  void subMicrosecondWindow_isRejected() {
    assertThatThrownBy(() -> Limit.gcra(3, Duration.ofNanos(1500)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("microseconds");
  }

  @Test
  void burst_appliesOnlyToBuckets() {
    assertThat(Limit.tokenBucket(10, Duration.ofSeconds(1)).burst()).isEqualTo(10);
    assertThat(Limit.gcra(10, Duration.ofSeconds(1)).burst()).isEqualTo(1);
    assertThat(Limit.gcra(10, Duration.ofSeconds(1)).withBurst(4).burst()).isEqualTo(4);
    assertThatThrownBy(() -> Limit.fixedWindow(10, Duration.ofSeconds(1)).withBurst(4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burst 4");
    assertThatThrownBy(() -> Limit.tokenBucket(10, Duration.ofSeconds(1)).withBurst(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("burst 0");
  }

  @Test
  void algorithmNames_parseFromConfigurationSpelling() {
    assertThat(Algorithm.parse("token-bucket")).isEqualTo(Algorithm.TOKEN_BUCKET);
    assertThat(Algorithm.parse("Sliding_Window_Log")).isEqualTo(Algorithm.SLIDING_WINDOW_LOG);
    assertThat(Algorithm.parse("leaky-bucket")).isEqualTo(Algorithm.GCRA);
    assertThatThrownBy(() -> Algorithm.parse("bogus"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bogus'");
  }

  @Test
  void rule_rejectsBlankIdAndEmptyLimits() {
    assertThatThrownBy(() -> Rule.of(" ")).hasMessageContaining("' '");
    assertThatThrownBy(() -> Rule.of("x")).hasMessageContaining("at least one limit");
  }
}
