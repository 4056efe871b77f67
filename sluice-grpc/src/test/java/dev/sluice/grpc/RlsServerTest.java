package dev.sluice.grpc;

import static dev.sluice.grpc.RlsHarness.descriptor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit;
import io.envoyproxy.envoy.type.v3.RateLimitUnit;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RlsServer over real sockets with real grpc-java clients; ERL cases name their ERL file. */
class RlsServerTest {
  @TempDir
  Path dir;
  private RlsHarness rls;

  @AfterEach
  void stop() throws InterruptedException {
    if (rls != null) {
      rls.close();
    }
  }

  private RlsHarness start(String file, String yaml) {
    RlsHarness.write(dir, file, yaml);
    rls = new RlsHarness(dir, b -> { });
    return rls;
  }

  private static List<Code> codes(RateLimitResponse r) {
    return r.getStatusesList().stream().map(s -> s.getCode()).toList();
  }

  private static final String MESSAGING = """
      domain: messaging
      descriptors:
        - key: message_type
          value: marketing
          descriptors:
            - key: to_number
              rate_limit:
                unit: day
                requests_per_unit: 5
        - key: to_number
          rate_limit:
            unit: day
            requests_per_unit: 100
      """;

  @Test
  void readmeExample2_nestedKeyWithoutValue_givesEachValueItsOwnCounter() {
    // ERL README.md, "Example 2" (examples/ratelimit/config/example.yaml)
    start("messaging.yaml", MESSAGING);
    for (int i = 0; i < 5; i++) {
      assertThat(rls.call("messaging", descriptor("message_type", "marketing", "to_number",
          "2061111111")).getOverallCode()).isEqualTo(Code.OK);
    }
    RateLimitResponse sixth = rls.call("messaging",
        descriptor("message_type", "marketing", "to_number", "2061111111"));
    assertThat(sixth.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(sixth.getStatuses(0).getCurrentLimit().getRequestsPerUnit()).isEqualTo(5);
    assertThat(sixth.getStatuses(0).getCurrentLimit().getUnit()).isEqualTo(RateLimit.Unit.DAY);
    assertThat(sixth.getStatuses(0).getDurationUntilReset().getSeconds()).isEqualTo(86_400);
    assertThat(rls.call("messaging", descriptor("message_type", "marketing", "to_number",
        "2062222222")).getOverallCode()).isEqualTo(Code.OK);
    RateLimitResponse plain = rls.call("messaging", descriptor("to_number", "2061111111"));
    assertThat(plain.getStatuses(0).getLimitRemaining()).isEqualTo(99);
    assertThat(rls.counter("total_hits", "messaging", "message_type_marketing.to_number"))
        .isEqualTo(7);
    assertThat(rls.counter("over_limit", "messaging", "message_type_marketing.to_number"))
        .isEqualTo(1);
    assertThat(rls.counter("near_limit", "messaging", "message_type_marketing.to_number"))
        .isEqualTo(1); // the 5th hit is past floor(5 * 0.8) = 4
  }

  @Test
  void readmeExample3_keyValueIsMoreSpecificThanKey() {
    // ERL README.md, "Example 3"
    start("ip.yaml", """
        domain: edge_proxy_per_ip
        descriptors:
          - key: remote_address
            rate_limit:
              unit: second
              requests_per_unit: 10
          - key: remote_address
            value: 50.0.0.5
            rate_limit:
              unit: second
              requests_per_unit: 0
        """);
    assertThat(rls.call("edge_proxy_per_ip", descriptor("remote_address", "50.0.0.1"))
        .getStatuses(0).getLimitRemaining()).isEqualTo(9);
    RateLimitResponse banned = rls.call("edge_proxy_per_ip",
        descriptor("remote_address", "50.0.0.5"));
    assertThat(banned.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(banned.getStatuses(0).getCurrentLimit().getRequestsPerUnit()).isZero();
  }

  @Test
  void readmeExample4_limitAppliesOnlyAtTheRequestsDepth() {
    // ERL README.md, "Example 4"
    start("e4.yaml", """
        domain: example4
        descriptors:
          - key: key
            value: value
            rate_limit:
              requests_per_unit: 300
              unit: second
            descriptors:
              - key: deeper
                value: only
        """);
    RateLimitResponse r = rls.call("example4", descriptor("key", "value", "subkey", "x"));
    assertThat(r.getStatuses(0).getCode()).isEqualTo(Code.OK);
    assertThat(r.getStatuses(0).hasCurrentLimit()).isFalse();
    assertThat(rls.call("example4", descriptor("key", "value")).getStatuses(0)
        .getCurrentLimit().getRequestsPerUnit()).isEqualTo(300);
  }

  @Test
  void readmeExample5_unlimitedIsOkWithMaxRemainingAndNoLimit() {
    // ERL README.md, "Example 5"
    start("internal.yaml", """
        domain: internal
        descriptors:
          - key: ldap
            rate_limit:
              unlimited: true
          - key: azure
            rate_limit:
              unit: minute
              requests_per_unit: 100
        """);
    RateLimitResponse r = rls.call("internal", descriptor("ldap", "x"));
    assertThat(r.getStatuses(0).getCode()).isEqualTo(Code.OK);
    assertThat(r.getStatuses(0).hasCurrentLimit()).isFalse();
    assertThat(Integer.toUnsignedLong(r.getStatuses(0).getLimitRemaining()))
        .isEqualTo(0xFFFF_FFFFL);
    assertThat(rls.counter("within_limit", "internal", "ldap")).isEqualTo(1);
  }

  @Test
  void readmeExample6_shadowModeAnswersOkButCounts() {
    // ERL README.md, "Example 6" (and integration-test/scripts/trigger-shadow-mode-key.sh)
    start("e6.yaml", """
        domain: example6
        descriptors:
          - key: service
            descriptors:
              - key: user
                value: user-a
                rate_limit:
                  requests_per_unit: 1
                  unit: second
                shadow_mode: true
              - key: user
                value: user-b
                rate_limit:
                  requests_per_unit: 1
                  unit: second
        """);
    for (int i = 0; i < 3; i++) {
      assertThat(rls.call("example6", descriptor("service", "auth", "user", "user-a"))
          .getOverallCode()).isEqualTo(Code.OK);
    }
    assertThat(rls.counter("shadow_mode", "example6", "service.user_user-a")).isEqualTo(2);
    assertThat(rls.counter("over_limit", "example6", "service.user_user-a")).isEqualTo(2);
    rls.call("example6", descriptor("service", "auth", "user", "user-b"));
    assertThat(rls.call("example6", descriptor("service", "auth", "user", "user-b"))
        .getOverallCode()).isEqualTo(Code.OVER_LIMIT);
  }

  @Test
  void readmeExample7_replacesDropsTheReplacedLimit() {
    // ERL README.md, "Example 7" (and integration-test/scripts/replaces.sh)
    start("e7.yaml", """
        domain: example7
        descriptors:
          - key: key_1
            value: value_1
            descriptors:
              - key: user
                value: bkthomps
                rate_limit:
                  name: specific_limit
                  requests_per_unit: 5
                  unit: second
          - key: key_2
            value: value_2
            descriptors:
              - key: user
                value: bkthomps
                rate_limit:
                  replaces:
                    - name: specific_limit
                  requests_per_unit: 10
                  unit: second
        """);
    RateLimitResponse r = rls.call("example7", descriptor("key_1", "value_1", "user", "bkthomps"),
        descriptor("key_2", "value_2", "user", "bkthomps"));
    assertThat(r.getStatuses(0).hasCurrentLimit()).isFalse();
    assertThat(r.getStatuses(1).getCurrentLimit().getRequestsPerUnit()).isEqualTo(10);
    // The replaced 5/s limit was not charged.
    assertThat(rls.call("example7", descriptor("key_1", "value_1", "user", "bkthomps"))
        .getStatuses(0).getLimitRemaining()).isEqualTo(4);
  }

  @Test
  void wildcardYaml_prefixAndMidValueWildcards() {
    // ERL test/config/wildcard.yaml
    start("wild.yaml", """
        domain: test-domain
        descriptors:
          - key: wild
            value: foo*
            rate_limit:
              unit: minute
              requests_per_unit: 20
          - key: noWild
            value: foo
            rate_limit:
              unit: minute
              requests_per_unit: 20
          - key: noVal
            rate_limit:
              unit: minute
              requests_per_unit: 20
          - key: midWild
            value: bar*b
            rate_limit:
              unit: minute
              requests_per_unit: 20
        """);
    assertThat(rls.call("test-domain", descriptor("wild", "foo1")).getStatuses(0)
        .hasCurrentLimit()).isTrue();
    assertThat(rls.call("test-domain", descriptor("wild", "bar")).getStatuses(0)
        .hasCurrentLimit()).isFalse();
    assertThat(rls.call("test-domain", descriptor("noWild", "foo1")).getStatuses(0)
        .hasCurrentLimit()).isFalse();
    assertThat(rls.call("test-domain", descriptor("midWild", "barab")).getStatuses(0)
        .hasCurrentLimit()).isTrue();
    assertThat(rls.call("test-domain", descriptor("midWild", "barabc")).getStatuses(0)
        .hasCurrentLimit()).isFalse();
    // Without share_threshold each matching value has its own counter.
    assertThat(rls.call("test-domain", descriptor("wild", "foo2")).getStatuses(0)
        .getLimitRemaining()).isEqualTo(19);
  }

  @Test
  void shareThresholdYaml_valuesMatchingTheWildcardShareOneCounter() {
    // ERL test/config/share_threshold.yaml (first and last entries)
    start("share.yaml", """
        domain: test-domain
        descriptors:
          - key: files
            value: files/*
            share_threshold: true
            rate_limit:
              unit: minute
              requests_per_unit: 3
          - key: file
            value: test1
            rate_limit:
              unit: minute
              requests_per_unit: 50
          - key: file
            value: test*
            share_threshold: true
            rate_limit:
              unit: minute
              requests_per_unit: 100
        """);
    rls.call("test-domain", descriptor("files", "files/a"));
    rls.call("test-domain", descriptor("files", "files/b"));
    assertThat(rls.call("test-domain", descriptor("files", "files/c")).getStatuses(0)
        .getLimitRemaining()).isZero();
    assertThat(rls.call("test-domain", descriptor("files", "files/d")).getOverallCode())
        .isEqualTo(Code.OVER_LIMIT);
    // An explicit value wins over the wildcard.
    assertThat(rls.call("test-domain", descriptor("file", "test1")).getStatuses(0)
        .getCurrentLimit().getRequestsPerUnit()).isEqualTo(50);
    assertThat(rls.call("test-domain", descriptor("file", "test2")).getStatuses(0)
        .getCurrentLimit().getRequestsPerUnit()).isEqualTo(100);
  }

  @Test
  void detailedMetric_putsTheValueInTheKeyLabel() {
    // ERL integration-test/scripts/value-included-in-stats-key-when-unspecified.sh
    start("dm.yaml", """
        domain: dm
        descriptors:
          - key: user
            detailed_metric: true
            rate_limit:
              unit: minute
              requests_per_unit: 10
          - key: plain
            rate_limit:
              unit: minute
              requests_per_unit: 10
        """);
    rls.call("dm", descriptor("user", "alice"));
    rls.call("dm", descriptor("plain", "bob"));
    assertThat(rls.counter("total_hits", "dm", "user_alice")).isEqualTo(1);
    assertThat(rls.counter("total_hits", "dm", "plain")).isEqualTo(1);
    assertThat(rls.counter("total_hits", "dm", "plain_bob")).isZero();
  }

  @Test
  void unknownDomain_everyDescriptorIsABareOk() {
    start("messaging.yaml", MESSAGING);
    RateLimitResponse r = rls.call("nobody", descriptor("a", "b"), descriptor("c", "d"));
    assertThat(r.getOverallCode()).isEqualTo(Code.OK);
    assertThat(codes(r)).containsExactly(Code.OK, Code.OK);
    assertThat(r.getStatuses(0).hasCurrentLimit()).isFalse();
  }

  @Test
  void hitsAddend_requestLevelAndPerDescriptor_zeroMeansOne() {
    start("messaging.yaml", MESSAGING);
    RateLimitResponse r = rls.blocking.shouldRateLimit(RateLimitRequest.newBuilder()
        .setDomain("messaging").setHitsAddend(10)
        .addDescriptors(descriptor("to_number", "1"))
        .addDescriptors(descriptor("to_number", "2").toBuilder()
            .setHitsAddend(UInt64Value.of(30)))
        .addDescriptors(descriptor("to_number", "3").toBuilder()
            .setHitsAddend(UInt64Value.of(0)))
        .build());
    assertThat(r.getStatusesList().stream().map(s -> s.getLimitRemaining()))
        .containsExactly(90, 70, 90);
  }

  @Test
  void limitOverride_inTheDescriptorReplacesTheConfiguredLimit() {
    start("messaging.yaml", MESSAGING);
    RateLimitDescriptor d = descriptor("to_number", "9").toBuilder().setLimit(
        RateLimitDescriptor.RateLimitOverride.newBuilder().setRequestsPerUnit(1)
            .setUnit(RateLimitUnit.MINUTE)).build();
    assertThat(rls.call("messaging", d).getStatuses(0).getCurrentLimit().getUnit())
        .isEqualTo(RateLimit.Unit.MINUTE);
    assertThat(rls.call("messaging", d).getOverallCode()).isEqualTo(Code.OVER_LIMIT);
  }

  private static final String TWO = """
      domain: two
      descriptors:
        - key: tight
          rate_limit:
            unit: minute
            requests_per_unit: 1
        - key: loose
          rate_limit:
            unit: minute
            requests_per_unit: 10
      """;

  @Test
  void allOrNothing_aRequestOverOnOneDescriptorConsumesNothingOnTheOthers() {
    start("two.yaml", TWO);
    rls.call("two", descriptor("tight", "a"));
    RateLimitResponse r = rls.call("two", descriptor("tight", "a"), descriptor("loose", "a"));
    assertThat(codes(r)).containsExactly(Code.OVER_LIMIT, Code.OK);
    // "loose" admits on its own but consumed nothing: it reports the 10 it still has.
    assertThat(r.getStatuses(1).getLimitRemaining()).isEqualTo(10);
    assertThat(rls.call("two", descriptor("loose", "a")).getStatuses(0).getLimitRemaining())
        .isEqualTo(9);
  }

  @Test
  void countEverything_restoresErlsBehaviour() throws InterruptedException {
    RlsHarness.write(dir, "two.yaml", TWO);
    rls = new RlsHarness(dir, b -> b.allOrNothing(false));
    rls.call("two", descriptor("tight", "a"));
    rls.call("two", descriptor("tight", "a"), descriptor("loose", "a"));
    assertThat(rls.call("two", descriptor("loose", "a")).getStatuses(0).getLimitRemaining())
        .isEqualTo(8);
  }

  @Test
  void extensions_rateLimitsAreDecidedAtomicallyAndReportTheDenyingLimit() {
    start("ext.yaml", """
        domain: ext
        descriptors:
          - key: user
            rate_limits:
              - window: 10s
                requests_per_unit: 2
                name: burst
              - unit: minute
                requests_per_unit: 3
                name: sustained
        """);
    assertThat(rls.call("ext", descriptor("user", "u")).getStatuses(0).getCurrentLimit()
        .getName()).isEqualTo("burst");
    rls.call("ext", descriptor("user", "u"));
    RateLimitResponse third = rls.call("ext", descriptor("user", "u"));
    assertThat(third.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(third.getStatuses(0).getCurrentLimit().getName()).isEqualTo("burst");
    assertThat(third.getStatuses(0).getDurationUntilReset().getSeconds()).isEqualTo(10);
    rls.clock.advance(Duration.ofSeconds(10));
    assertThat(rls.call("ext", descriptor("user", "u")).getStatuses(0).getCurrentLimit()
        .getName()).isEqualTo("sustained");
    RateLimitResponse denied = rls.call("ext", descriptor("user", "u"));
    assertThat(denied.getStatuses(0).getCurrentLimit().getName()).isEqualTo("sustained");
  }

  @Test
  void extensions_tokenBucketWithBurst() {
    start("tb.yaml", """
        domain: tb
        descriptors:
          - key: k
            rate_limit:
              window: 1s
              requests_per_unit: 1
              algorithm: token_bucket
              burst: 3
        """);
    for (int i = 0; i < 3; i++) {
      assertThat(rls.call("tb", descriptor("k", "v")).getOverallCode()).isEqualTo(Code.OK);
    }
    assertThat(rls.call("tb", descriptor("k", "v")).getOverallCode())
        .isEqualTo(Code.OVER_LIMIT);
    rls.clock.advance(Duration.ofSeconds(1));
    assertThat(rls.call("tb", descriptor("k", "v")).getOverallCode()).isEqualTo(Code.OK);
  }

  @Test
  void responseHeaders_carryDraft03AndIetfHeaders() throws InterruptedException {
    RlsHarness.write(dir, "messaging.yaml", MESSAGING);
    rls = new RlsHarness(dir, b -> b.responseHeaders(true));
    RateLimitResponse r = rls.call("messaging", descriptor("to_number", "1"));
    var headers = r.getResponseHeadersToAddList().stream()
        .collect(java.util.stream.Collectors.toMap(h -> h.getKey(), h -> h.getValue()));
    assertThat(headers).containsEntry("X-RateLimit-Limit", "100, 100;w=86400")
        .containsEntry("X-RateLimit-Remaining", "99")
        .containsEntry("X-RateLimit-Reset", "86400")
        .containsEntry("RateLimit-Policy", "\"to_number\";q=100;w=86400")
        .containsEntry("RateLimit", "\"to_number\";r=99;t=86400");
  }

  @Test
  void badInput_isInvalidArgumentNamingTheField() {
    start("messaging.yaml", MESSAGING);
    assertInvalid(RateLimitRequest.newBuilder().addDescriptors(descriptor("a", "b")).build(),
        "domain must not be empty");
    assertInvalid(RateLimitRequest.newBuilder().setDomain("messaging").build(),
        "descriptors must not be empty");
    assertInvalid(RateLimitRequest.newBuilder().setDomain("messaging")
        .addDescriptors(descriptor("", "b")).build(),
        "descriptors[0].entries[0].key must not be empty");
    assertInvalid(RateLimitRequest.newBuilder().setDomain("messaging")
        .addDescriptors(RateLimitDescriptor.getDefaultInstance()).build(),
        "descriptors[0].entries must not be empty");
    assertInvalid(RateLimitRequest.newBuilder().setDomain("messaging")
        .addDescriptors(descriptor("a", "b").toBuilder()
            .setHitsAddend(UInt64Value.of(1L << 40))).build(),
        "descriptors[0].hits_addend 1099511627776 exceeds 4294967295");
    assertInvalid(RateLimitRequest.newBuilder().setDomain("messaging")
        .addDescriptors(descriptor("a", "x".repeat(100_000))).build(),
        "exceeds max-message-size 65536");
  }

  private void assertInvalid(RateLimitRequest request, String message) {
    assertThatThrownBy(() -> rls.blocking.shouldRateLimit(request))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains(message);
        });
  }

  @Test
  void concurrency_manyAsyncClientsOnOneKey_exactlyTheLimitIsAdmitted() throws Exception {
    start("c.yaml", """
        domain: c
        descriptors:
          - key: k
            rate_limit:
              unit: hour
              requests_per_unit: 50
          - key: other
            rate_limit:
              unit: hour
              requests_per_unit: 1000
        """);
    List<CompletableFuture<RateLimitResponse>> calls = new ArrayList<>();
    IntStream.range(0, 200).parallel().forEach(i -> {
      CompletableFuture<RateLimitResponse> f = new CompletableFuture<>();
      synchronized (calls) {
        calls.add(f);
      }
      rls.async.shouldRateLimit(RateLimitRequest.newBuilder().setDomain("c")
          .addDescriptors(descriptor("k", "one")).addDescriptors(descriptor("other", "all"))
          .build(), observer(f));
    });
    long ok = 0;
    for (CompletableFuture<RateLimitResponse> f : calls) {
      if (f.get(30, TimeUnit.SECONDS).getOverallCode() == Code.OK) {
        ok++;
      }
    }
    assertThat(ok).isEqualTo(50);
    assertThat(rls.call("c", descriptor("k", "one")).getOverallCode())
        .isEqualTo(Code.OVER_LIMIT);
    // All or nothing across the two descriptors: "other" was charged for the 50 admitted
    // requests only, never for the 150 that "k" denied (then 1 more for this call).
    assertThat(rls.call("c", descriptor("other", "all")).getStatuses(0).getLimitRemaining())
        .isEqualTo(1000 - 50 - 1);
  }

  private static StreamObserver<RateLimitResponse> observer(
      CompletableFuture<RateLimitResponse> f) {
    return new StreamObserver<>() {
      @Override
      public void onNext(RateLimitResponse value) {
        f.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
      }
    };
  }

  @Test
  void hotReload_appliesChanges_andAnInvalidFileKeepsItsLastGoodConfig() {
    start("messaging.yaml", MESSAGING);
    RlsHarness.write(dir, "other.yaml", TWO);
    await().atMost(Duration.ofSeconds(10)).until(() -> rls.server.domains().containsKey("two"));
    RlsHarness.write(dir, "messaging.yaml", MESSAGING.replace("unit: day", "unit: dai"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !rls.server.configErrors().isEmpty());
    assertThat(rls.server.configErrors().values().iterator().next())
        .contains("messaging.yaml: descriptors[0].descriptors[0].rate_limit.unit (line 8): "
            + "invalid rate limit unit 'dai'");
    assertThat(rls.registry.find("sluice.rls.config.errors").tag("file", "messaging.yaml")
        .counter().count()).isGreaterThanOrEqualTo(1);
    assertThat(rls.call("messaging", descriptor("to_number", "1")).getStatuses(0)
        .getCurrentLimit().getRequestsPerUnit()).isEqualTo(100);
    assertThat(rls.call("two", descriptor("loose", "1")).getStatuses(0).getCurrentLimit()
        .getRequestsPerUnit()).isEqualTo(10);
  }

  @Test
  void duplicateDomainInTwoFiles_isAnErrorNamingBothFiles() {
    start("a.yaml", MESSAGING);
    RlsHarness.write(dir, "b.yaml", MESSAGING);
    await().atMost(Duration.ofSeconds(10)).until(() -> !rls.server.configErrors().isEmpty());
    assertThat(rls.server.configErrors().get(dir.resolve("b.yaml")))
        .contains("b.yaml").contains("duplicate domain 'messaging'").contains("a.yaml");
    assertThat(rls.server.domains().get("messaging")).isEqualTo(dir.resolve("a.yaml"));
  }

  @Test
  void health_isServing() {
    start("messaging.yaml", MESSAGING);
    HealthCheckResponse h = HealthGrpc.newBlockingStub(rls.channel).check(
        HealthCheckRequest.newBuilder().setService(
            "envoy.service.ratelimit.v3.RateLimitService").build());
    assertThat(h.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void reflection_listsTheRateLimitService() throws Exception {
    start("messaging.yaml", MESSAGING);
    CompletableFuture<io.grpc.reflection.v1.ServerReflectionResponse> answer =
        new CompletableFuture<>();
    var requests = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(rls.channel)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(io.grpc.reflection.v1.ServerReflectionResponse value) {
            answer.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            answer.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
          }
        });
    requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder()
        .setListServices("").build());
    var services = answer.get(30, TimeUnit.SECONDS).getListServicesResponse().getServiceList();
    requests.onCompleted();
    assertThat(services.stream().map(s -> s.getName()))
        .contains("envoy.service.ratelimit.v3.RateLimitService", "grpc.health.v1.Health");
  }
}
