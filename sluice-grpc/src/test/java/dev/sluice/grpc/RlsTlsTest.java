package dev.sluice.grpc;

import static dev.sluice.grpc.RlsHarness.descriptor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.InMemoryEngine;
import dev.sluice.testkit.TestCa;
import dev.sluice.tls.TlsContext;
import dev.sluice.tls.TlsSettings;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rls.tls} with mutual TLS, as Envoy's {@code envoy_grpc} cluster with a client
 * certificate speaks it: a grpc-java client with the certificate is answered, one without is
 * refused; a misconfigured block is a configuration problem naming the key and the file.
 */
class RlsTlsTest {
  @TempDir static Path dir;
  static TestCa ca;
  static InMemoryEngine engine;
  static SimpleMeterRegistry registry;
  static RlsServer rls;
  static TlsContext envoy;
  static TlsContext anonymous;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCa.create("sluice-rls-tls-root");
    TestCa.Issued pair = ca.server();
    pair.writeChain(dir.resolve("rls.crt"));
    pair.writeKeyTraditional(dir.resolve("rls.key"));
    Path caFile = ca.writeCertificate(dir.resolve("envoy-ca.crt"));
    Files.createDirectories(dir.resolve("erl"));
    RlsHarness.write(dir.resolve("erl"), "d.yaml", """
        domain: edge
        descriptors:
          - key: k
            rate_limit: {unit: hour, requests_per_unit: 100}
        """);
    RlsConfig options = RlsConfig.fromMap(Map.of("port", 0, "config-dir", "erl",
        "tls", Map.of("cert", "rls.crt", "key", "rls.key", "ca", "envoy-ca.crt",
            "client-auth", "required")), dir.resolve("sluice.yaml"));
    engine = InMemoryEngine.builder().build();
    registry = new SimpleMeterRegistry();
    rls = RlsServer.start(options, engine, registry);
    TestCa.Issued me = ca.client("envoy");
    envoy = TlsContext.open(TlsSettings.client("t", caFile).withCertificates(List.of(
        TlsSettings.CertificateFiles.of("t", me.writeChain(dir.resolve("envoy.crt")),
            me.writeKeyPkcs8(dir.resolve("envoy.key"))))));
    anonymous = TlsContext.open(TlsSettings.client("t", caFile));
  }

  @AfterAll
  static void stop() {
    rls.close();
    engine.close();
    envoy.close();
    anonymous.close();
  }

  private static Code call(TlsContext client) throws Exception {
    var ssl = GrpcSslContexts.forClient().trustManager(client.trustManagerFactory())
        .protocols(client.protocols());
    if (!client.settings().certificates().isEmpty()) {
      ssl.keyManager(client.keyManagerFactory());
    }
    ManagedChannel ch = NettyChannelBuilder.forAddress("localhost", rls.port())
        .sslContext(ssl.build()).build();
    try {
      return RateLimitServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
          .shouldRateLimit(RateLimitRequest.newBuilder().setDomain("edge")
              .addDescriptors(descriptor("k", "v")).build()).getOverallCode();
    } finally {
      ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aClientWithItsCertificate_isAnswered() throws Exception {
    assertThat(call(envoy)).isEqualTo(Code.OK);
    assertThat(registry.find("sluice_tls_certificate_expiry_seconds")
        .tag("key", "rls.tls.cert").gauge().value()).isGreaterThan(86_400);
  }

  @Test
  void aClientWithoutCertificate_isRefused() {
    assertThatThrownBy(() -> call(anonymous)).isInstanceOfSatisfying(
        StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aMissingFile_isAProblemNamingTheKeyAndTheFile() {
    assertThatThrownBy(() -> RlsConfig.fromMap(Map.of("config-dir", "erl",
        "tls", Map.of("cert", "nope.crt", "key", "rls.key")), dir.resolve("sluice.yaml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rls.tls.cert")
        .hasMessageContaining(dir.resolve("nope.crt").toString());
  }
}
