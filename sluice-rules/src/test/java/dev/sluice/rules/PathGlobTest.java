package dev.sluice.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathGlobTest {
  @ParameterizedTest
  @CsvSource({
      "/api/**, /api/x/y, true", "/api/**, /api/, true", "/api/**, /apix, false",
      "/api/*, /api/x, true", "/api/*, /api/x/y, false", "/api/*/items, /api/7/items, true",
      "/**/x*, /a/xb/c/xd, true", "/**/x*, /a/xb/c/d, false", "/a?c, /abc, true",
      "/a?c, /a/c, false", "*, /anything, false", "**, /any/thing, true", "/exact, /exact, true",
      "/exact, /exact/, false", "/v*/users, /v2/users, true"})
  void matches(String glob, String path, boolean expected) {
    assertThat(PathGlob.of(glob).matches(path)).isEqualTo(expected);
  }
}
