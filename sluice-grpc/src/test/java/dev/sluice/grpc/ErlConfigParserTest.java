package dev.sluice.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Algorithm;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Parsing and validation of ERL files; cases named after ERL's test/config files. */
class ErlConfigParserTest {

  private static DomainConfig parse(String yaml) throws ConfigError {
    return ErlConfigParser.parse(Path.of("test.yaml"), yaml);
  }

  private static void assertError(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml)).isInstanceOf(ConfigError.class)
        .hasMessage(message);
  }

  @Test
  void basicConfig_nestedDescriptorsLoadWithErlStatsKeys() throws ConfigError {
    // ERL test/config/basic_config.yaml (shape)
    DomainConfig c = parse("""
        domain: test-domain
        descriptors:
          - key: key1
            value: value1
            descriptors:
              - key: subkey1
                rate_limit:
                  unit: second
                  requests_per_unit: 5
          - key: key2
            rate_limit:
              unit: Minute
              requests_per_unit: 20
        """);
    DescriptorNode sub = c.root().children().get("key1_value1").children().get("subkey1");
    assertThat(sub.statsKey()).isEqualTo("test-domain.key1_value1.subkey1");
    assertThat(sub.limit().rule().limits().get(0).window()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.root().children().get("key2").limit().reported().get(0).getUnit())
        .isEqualTo(RateLimit.Unit.MINUTE);
  }

  @Test
  void emptyDomain_isAnError() {
    // ERL test/config/empty_domain.yaml
    assertError("descriptors: []\n", "test.yaml: domain (line 1): config file cannot have empty "
        + "domain");
  }

  @Test
  void emptyKey_isAnError() {
    // ERL test/config/empty_key.yaml
    assertError("domain: d\ndescriptors:\n  - value: v\n",
        "test.yaml: descriptors[0].key (line 3): descriptor has empty key");
  }

  @Test
  void duplicateKey_namesBothPlaces() {
    // ERL test/config/duplicate_key.yaml
    assertError("""
        domain: test-domain
        descriptors:
          - key: key1
            value: value1
          - key: key1
            value: value1
        """, "test.yaml: duplicate descriptor composite key 'test-domain.key1_value1' at "
        + "descriptors[1] (line 5), first at descriptors[0] (line 3)");
  }

  @Test
  void duplicateYamlKey_namesBothLines() {
    assertError("domain: a\ndomain: b\n",
        "test.yaml: domain (line 2): duplicate key 'domain', first at line 1");
  }

  @Test
  void badLimitUnit_isAnError() {
    // ERL test/config/bad_limit_unit.yaml
    assertError("domain: d\ndescriptors:\n  - key: k\n    rate_limit:\n      unit: foo\n"
        + "      requests_per_unit: 1\n",
        "test.yaml: descriptors[0].rate_limit.unit (line 5): invalid rate limit unit 'foo'");
  }

  @Test
  void misspelledKey_isAnError() {
    // ERL test/config/misspelled_key.yaml and misspelled_key2.yaml
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    ratelimit: {}\n"))
        .hasMessageStartingWith("test.yaml: descriptors[0].ratelimit (line 4): config error, "
            + "unknown key 'ratelimit'");
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    rate_limit:\n"
        + "      requestsperunit: 5\n"))
        .hasMessageContaining("unknown key 'requestsperunit'");
  }

  @Test
  void nonStringKey_isAnError() {
    // ERL test/config/non_string_key.yaml
    assertError("domain: d\n0.25: x\n",
        "test.yaml: ? (line 2): config error, key is not of type string: '0.25'");
  }

  @Test
  void nonMapList_isAnError() {
    // ERL test/config/non_map_list.yaml
    assertError("domain: d\ndescriptors:\n  - a\n",
        "test.yaml: descriptors[0] (line 3): expected a mapping, found 'a'");
  }

  @Test
  void replaces_emptyAndSelfAreErrors() {
    // ERL test/config/replaces_empty.yaml and replaces_self.yaml
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    rate_limit:\n"
        + "      unit: second\n      requests_per_unit: 1\n      replaces:\n        - name: ''\n"))
        .hasMessageContaining("should not have an empty replaces entry");
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    rate_limit:\n"
        + "      name: a\n      unit: second\n      requests_per_unit: 1\n      replaces:\n"
        + "        - name: a\n"))
        .hasMessageContaining("replaces should not contain name of same descriptor");
  }

  @Test
  void unlimitedWithUnit_isAnError() {
    // ERL test/config/unlimited_with_unit.yaml
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    rate_limit:\n"
        + "      unlimited: true\n      unit: day\n"))
        .hasMessageContaining("should not specify rate limit unit when unlimited");
  }

  @Test
  void unitMultiplier_multipliesTheWindow_andZeroIsAnError() throws ConfigError {
    // ERL test/config/unit_multiplier.yaml and zero_unit_multiplier.yaml
    DomainConfig c = parse("domain: d\ndescriptors:\n  - key: key1\n    rate_limit:\n"
        + "      unit: minute\n      requests_per_unit: 20\n      unit_multiplier: 5\n");
    assertThat(c.root().children().get("key1").limit().rule().limits().get(0).window())
        .isEqualTo(Duration.ofMinutes(5));
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: key1\n    rate_limit:\n"
        + "      unit: minute\n      requests_per_unit: 20\n      unit_multiplier: 0\n"))
        .hasMessageContaining("unit_multiplier (line 7): 0 is out of range");
  }

  @Test
  void badYaml_namesTheLine() {
    // ERL test/config/bad_yaml.yaml
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: [\n"))
        .hasMessageStartingWith("test.yaml: (line ").hasMessageContaining("malformed YAML");
  }

  @ParameterizedTest
  @CsvSource({"second,1", "minute,60", "hour,3600", "day,86400", "week,604800",
      "month,2592000", "year,31536000"})
  void units_countAsErlCountsThem(String unit, long seconds) throws ConfigError {
    DomainConfig c = parse("domain: d\ndescriptors:\n  - key: k\n    rate_limit:\n      unit: "
        + unit + "\n      requests_per_unit: 3\n");
    assertThat(c.root().children().get("k").limit().rule().limits().get(0).window())
        .isEqualTo(Duration.ofSeconds(seconds));
  }

  @Test
  void extensions_windowAlgorithmBurstAndRateLimits() throws ConfigError {
    DomainConfig c = parse("""
        domain: d
        descriptors:
          - key: a
            rate_limit:
              window: 10s
              requests_per_unit: 5
              algorithm: token_bucket
              burst: 8
          - key: b
            rate_limits:
              - unit: second
                requests_per_unit: 2
              - window: 1m
                requests_per_unit: 10
                algorithm: sliding-window-log
        """);
    var a = c.root().children().get("a").limit().rule().limits().get(0);
    assertThat(a.algorithm()).isEqualTo(Algorithm.TOKEN_BUCKET);
    assertThat(a.burst()).isEqualTo(8);
    assertThat(a.window()).isEqualTo(Duration.ofSeconds(10));
    var b = c.root().children().get("b").limit();
    assertThat(b.rule().limits()).hasSize(2);
    assertThat(b.reported().get(1).getUnit()).isEqualTo(RateLimit.Unit.MINUTE);
  }

  @Test
  void extensions_misuseIsAnError() {
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    rate_limit:\n"
        + "      unit: second\n      window: 10s\n"))
        .hasMessageContaining("rate_limit.window (line 6): unit (line 5) and window are "
            + "exclusive");
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    rate_limit:\n"
        + "      window: 10 parsecs\n"))
        .hasMessageContaining("invalid window '10 parsecs'");
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    rate_limit:\n"
        + "      unit: second\n      requests_per_unit: 3\n      burst: 5\n"))
        .hasMessageContaining("burst 5 applies only to token-bucket");
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    rate_limit:\n"
        + "      unit: second\n      algorithm: magic\n"))
        .hasMessageContaining("rate_limit.algorithm (line 6)");
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    shadow_mode: yes"
        + "please\n"))
        .hasMessageContaining("expected true or false");
    assertThatThrownBy(() -> parse("domain: d\ndescriptors:\n  - key: k\n    value: v\n"
        + "    share_threshold: true\n"))
        .hasMessageContaining("share_threshold needs a value with a '*' wildcard");
  }

  @ParameterizedTest
  @CsvSource({"foo*,foo,true", "foo*,foobar,true", "foo*,fo,false", "bar*b,barab,true",
      "bar*b,barb,true", "bar*b,barabc,false", "a*b*c,a1b2c,true", "a*b*c,acb,false",
      "x.y*,xzy,false"})
  void wildcards_matchAsGlobs(String pattern, String value, boolean matches) {
    // ERL test/config/wildcard.yaml: prefix wildcards and mid-value wildcards
    assertThat(DescriptorNode.compileWildcard("k_" + pattern).matcher("k_" + value).matches())
        .isEqualTo(matches);
  }
}
