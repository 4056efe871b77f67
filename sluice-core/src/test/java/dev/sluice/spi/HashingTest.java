package dev.sluice.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashingTest {

  @Test
  void fnv1a64_matchesThePublishedVectors() {
    assertThat(Hashing.fnv1a64("")).isEqualTo(0xcbf29ce484222325L);
    assertThat(Hashing.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(Hashing.fnv1a64("foobar")).isEqualTo(0x85944171f73967e8L);
    assertThat(Hashing.fnv1a64("foobar".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(0x85944171f73967e8L);
  }

  @Test
  void fnv1a64_hashesCharsAsCodeUnitsAndBytesUnsigned() {
    // U+00E9 is one UTF-16 unit (0xe9) but two UTF-8 bytes (0xc3 0xa9), both above 0x7f
    assertThat(Hashing.fnv1a64("\u00e9")).isEqualTo(0xaf64644c8602d3a4L);
    assertThat(Hashing.fnv1a64("\u00e9".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(0x0ac21707b7181e01L);
  }

  @Test
  void fmix64_isMurmur3sFinaliser() {
    assertThat(Hashing.fmix64(0)).isZero();
    assertThat(Hashing.fmix64(1)).isEqualTo(0xb456bcfc34c2cb2cL);
    assertThat(Hashing.fmix64(0x85944171f73967e8L)).isEqualTo(0x2c22194922d1672bL);
  }
}
