package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The seed's worked example and edge cases, for every algorithm where the seed's claim holds. */
class PerUserRateLimiterTest {

  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = {"FIXED_WINDOW", "SLIDING_WINDOW_LOG",
      "TOKEN_BUCKET", "GCRA"})
  void workedExample_twoPerFiveSeconds(Algorithm algorithm) {
    PerUserRateLimiter limiter = PerUserRateLimiter.of(2, Duration.ofSeconds(5),
        algorithm == Algorithm.GCRA ? Algorithm.TOKEN_BUCKET : algorithm);
    assertThat(limiter.allowRequest("A", 1)).isTrue();
    assertThat(limiter.allowRequest("A", 2)).isTrue();
    assertThat(limiter.allowRequest("A", 3)).isFalse();
    assertThat(limiter.allowRequest("A", 6)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = "SLIDING_WINDOW_COUNTER")
  void workedExample_counterStillWeighsThePreviousWindowAtSix(Algorithm algorithm) {
    PerUserRateLimiter limiter = PerUserRateLimiter.of(2, Duration.ofSeconds(5), algorithm);
    assertThat(limiter.allowRequest("A", 1)).isTrue();
    assertThat(limiter.allowRequest("A", 2)).isTrue();
    assertThat(limiter.allowRequest("A", 3)).isFalse();
    assertThat(limiter.allowRequest("A", 6)).isFalse();  // 2 * 4/5 + 1 = 2.6 > 2
    assertThat(limiter.allowRequest("A", 8)).isTrue();   // 2 * 2/5 + 1 = 1.8 <= 2
  }

  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = {"SLIDING_WINDOW_LOG", "TOKEN_BUCKET"})
  void nAtOneTimestamp_thenOneMoreIsDenied_andAllowedAgainAtExactlyTPlusT(Algorithm algorithm) {
    PerUserRateLimiter limiter = PerUserRateLimiter.of(1_000_000, Duration.ofDays(1), algorithm);
    for (int i = 0; i < 1_000_000; i++) {
      assertThat(limiter.allowRequest("u", 100)).isTrue();
    }
    assertThat(limiter.allowRequest("u", 100)).isFalse();
    // The log stays full for the whole day; the bucket refills 1,000,000 / 86,400 per second.
    assertThat(limiter.allowRequest("u", 101)).isEqualTo(algorithm == Algorithm.TOKEN_BUCKET);
    assertThat(limiter.allowRequest("other", 101)).isTrue();
    assertThat(limiter.allowRequest("u", 100 + 86_400)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void longInactivity_startsAfresh(Algorithm algorithm) {
    PerUserRateLimiter limiter = PerUserRateLimiter.of(3, Duration.ofSeconds(10), algorithm);
    assertThat(limiter.allowRequest("u", 5)).isTrue();
    assertThat(limiter.allowRequest("u", 1_000_000)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void earlierTimestamp_neverCorruptsState(Algorithm algorithm) {
    PerUserRateLimiter limiter = PerUserRateLimiter.of(2, Duration.ofSeconds(10),
        algorithm == Algorithm.GCRA ? Algorithm.TOKEN_BUCKET : algorithm);
    assertThat(limiter.allowRequest("u", 100)).isTrue();
    assertThat(limiter.allowRequest("u", 101)).isTrue();
    assertThat(limiter.allowRequest("u", 50)).isFalse();
    assertThat(limiter.allowRequest("u", 90)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = Algorithm.class, names = "SLIDING_WINDOW_LOG")
  void negativeTimestamp_isRejectedNamingIt(Algorithm algorithm) {
    PerUserRateLimiter limiter = PerUserRateLimiter.of(2, Duration.ofSeconds(10), algorithm);
    assertThatThrownBy(() -> limiter.allowRequest("u", -7))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-7");
  }
}
