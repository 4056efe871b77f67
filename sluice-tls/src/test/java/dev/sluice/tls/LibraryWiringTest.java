package dev.sluice.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import dev.sluice.testkit.TestCa;
import dev.sluice.testkit.TestCa.Issued;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.ClientCalls;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factories of {@link TlsContext} handed to the libraries Sluice's listeners and links are
 * built on, as they will be wired: Vert.x's HTTP server, grpc-java's Netty transport (OpenSSL
 * when its native library loads) and Lettuce against a real redis-server with TLS; rotation
 * reaches each of them without rebuilding anything.
 */
class LibraryWiringTest {
  static TestCa ca;
  @TempDir Path dir;

  @BeforeAll
  static void makeCa() {
    ca = TestCa.create("sluice-wiring-root");
  }

  private TlsContext trusting() {
    return TlsContext.open(TlsSettings.client("test.tls",
        ca.writeCertificate(dir.resolve("ca.crt"))));
  }

  private TlsContext withClientCert(String name) {
    Issued me = ca.client(name);
    return TlsContext.open(TlsSettings.client("test.tls", ca.writeCertificate(dir.resolve(
        "ca.crt"))).withCertificates(List.of(TlsSettings.CertificateFiles.of("test.tls",
            me.writeChain(dir.resolve(name + ".crt")),
            me.writeKeyPkcs8(dir.resolve(name + ".key"))))));
  }

  @Test
  void vertxHttpServer_servesTheRotatedCertificateAndAsksForClientCertificates()
      throws Exception {
    Issued first = ca.server();
    Path cert = first.writeChain(dir.resolve("tls.crt"));
    Path key = first.writeKeyTraditional(dir.resolve("tls.key"));
    TlsSettings settings = TlsSettings.server("server.tls", cert, key)
        .withClientAuth(ca.writeCertificate(dir.resolve("ca.crt")),
            TlsSettings.ClientAuth.REQUIRED)
        .withReloadInterval(Duration.ofMillis(200));
    Vertx vertx = Vertx.vertx();
    try (TlsContext tls = TlsContext.open(settings); TlsContext client = withClientCert("c");
        TlsContext anonymous = trusting()) {
      HttpServer server = vertx.createHttpServer(new HttpServerOptions()
              .setHost("127.0.0.1").setPort(0).setSsl(true)
              .setKeyCertOptions(KeyCertOptions.wrap(tls.keyManagerFactory()))
              .setTrustOptions(TrustOptions.wrap(tls.trustManagerFactory()))
              .setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED)
              .setEnabledSecureTransportProtocols(new LinkedHashSet<>(settings.protocols())))
          .requestHandler(r -> r.response().end("ok"))
          .listen().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      int port = server.actualPort();
      assertThat(servedSerial(client, port)).isEqualTo(first.certificate().getSerialNumber());
      assertThatThrownBy(() -> servedSerial(anonymous, port)).isInstanceOf(Exception.class);

      Issued second = ca.server();
      Path staging = Files.createTempDirectory(dir, "next");
      Files.move(second.writeKeyPkcs8(staging.resolve("k")), key,
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Files.move(second.writeChain(staging.resolve("c")), cert,
          StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      await().atMost(Duration.ofSeconds(10)).until(() -> servedSerial(client, port)
          .equals(second.certificate().getSerialNumber()));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  /** The serial served to a new connection that sends a request and reads a response. */
  private static java.math.BigInteger servedSerial(TlsContext client, int port)
      throws Exception {
    javax.net.ssl.SSLContext fresh = javax.net.ssl.SSLContext.getInstance("TLS");
    fresh.init(new javax.net.ssl.KeyManager[] {client.keyManager()},
        new javax.net.ssl.TrustManager[] {client.trustManager()}, null);
    try (SSLSocket s = (SSLSocket) fresh.getSocketFactory().createSocket("localhost", port)) {
      s.setSoTimeout(10_000);
      s.setSSLParameters(client.sslParameters());
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes());
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      byte[] head = in.readNBytes(12);
      if (!new String(head).startsWith("HTTP/1.1 200")) {
        throw new IllegalStateException("no answer: " + new String(head));
      }
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  private static final MethodDescriptor<byte[], byte[]> PROBE = MethodDescriptor
      .<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("sluice.Probe/Call")
      .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

  private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Test
  void grpcNettyServer_withMutualTls() throws Exception {
    Issued pair = ca.server(TestCa.KeyType.EC, "localhost", "127.0.0.1");
    TlsSettings settings = TlsSettings.server("rls.tls", pair.writeChain(dir.resolve("r.crt")),
            pair.writeKeyTraditional(dir.resolve("r.key")))
        .withClientAuth(ca.writeCertificate(dir.resolve("ca.crt")),
            TlsSettings.ClientAuth.REQUIRED);
    try (TlsContext tls = TlsContext.open(settings); TlsContext envoy = withClientCert("envoy");
        TlsContext anonymous = trusting()) {
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(
                  tls.keyManagerFactory()))
              .trustManager(tls.trustManagerFactory()).clientAuth(ClientAuth.REQUIRE)
              .protocols(tls.protocols()).build())
          .build().start();
      try {
        // a call to a method the server does not have: UNIMPLEMENTED proves the handshake passed
        assertThat(call(envoy, server.getPort()).getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(call(anonymous, server.getPort()).getCode())
            .isEqualTo(Status.Code.UNAVAILABLE);
      } finally {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Status call(TlsContext client, int port) throws Exception {
    ManagedChannel ch = NettyChannelBuilder.forAddress("localhost", port)
        .sslContext(GrpcSslContexts.forClient().keyManager(client.keyManagerFactory())
            .trustManager(client.trustManagerFactory()).protocols(client.protocols()).build())
        .build();
    try {
      ClientCalls.blockingUnaryCall(ch, PROBE,
          CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[0]);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    } finally {
      ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void lettuce_overRediss_withClientCertificate() throws Exception {
    Issued server = ca.server();
    try (RedisProcess redis = RedisServers.standaloneTls(
            server.writeChain(dir.resolve("redis.crt")),
            server.writeKeyTraditional(dir.resolve("redis.key")),
            ca.writeCertificate(dir.resolve("ca.crt")), true);
        TlsContext engine = withClientCert("sluice")) {
      RedisClient client = RedisClient.create(RedisURI.builder().withHost("localhost")
          .withPort(redis.tlsPort()).withSsl(true).withVerifyPeer(SslVerifyMode.FULL).build());
      client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder()
          .jdkSslProvider().keyManager(engine.keyManagerFactory())
          .trustManager(engine.trustManagerFactory()).protocols(engine.protocols()).build())
          .build());
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertThat(c.sync().ping()).isEqualTo("PONG");
      } finally {
        client.shutdown();
      }
    }
  }
}
