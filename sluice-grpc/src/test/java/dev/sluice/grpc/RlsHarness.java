package dev.sluice.grpc;

import dev.sluice.InMemoryEngine;
import dev.sluice.ManualTimeSource;
import dev.sluice.TimeSource;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real RlsServer on a free port with the in-memory engine on a manual clock, and a real
 * grpc-java client over a socket.
 */
final class RlsHarness implements AutoCloseable {
  /** A day boundary, so every ERL window starts here. */
  static final long T0 = 1_700_006_400_000_000L;

  final ManualTimeSource clock = TimeSource.manual(T0);
  final InMemoryEngine engine = InMemoryEngine.builder().timeSource(clock).build();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Path dir;
  final RlsServer server;
  final ManagedChannel channel;
  final RateLimitServiceGrpc.RateLimitServiceBlockingStub blocking;
  final RateLimitServiceGrpc.RateLimitServiceStub async;

  RlsHarness(Path dir, Consumer<RlsConfig.Builder> options) {
    this.dir = dir;
    RlsConfig.Builder b = RlsConfig.builder().port(0).configDir(dir)
        .reloadInterval(Duration.ofMillis(50));
    options.accept(b);
    server = RlsServer.start(b.build(), engine, registry);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    blocking = RateLimitServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30,
        TimeUnit.SECONDS);
    async = RateLimitServiceGrpc.newStub(channel);
  }

  static void write(Path dir, String name, String yaml) {
    try {
      Files.writeString(dir.resolve(name), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A descriptor of alternating keys and values. */
  static RateLimitDescriptor descriptor(String... kv) {
    RateLimitDescriptor.Builder d = RateLimitDescriptor.newBuilder();
    for (int i = 0; i < kv.length; i += 2) {
      d.addEntries(RateLimitDescriptor.Entry.newBuilder().setKey(kv[i]).setValue(kv[i + 1]));
    }
    return d.build();
  }

  RateLimitResponse call(String domain, RateLimitDescriptor... descriptors) {
    return blocking.shouldRateLimit(RateLimitRequest.newBuilder().setDomain(domain)
        .addAllDescriptors(java.util.List.of(descriptors)).build());
  }

  double counter(String stat, String domain, String key) {
    var c = registry.find("ratelimit.service.rate_limit." + stat).tag("domain", domain)
        .tag("key", key).counter();
    return c == null ? 0 : c.count();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
    engine.close();
  }
}
