package dev.sluice.grpc;

import static dev.sluice.grpc.RlsHarness.descriptor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ManualTimeSource;
import dev.sluice.TimeSource;
import dev.sluice.redis.FailurePolicy;
import dev.sluice.redis.RedisEngine;
import dev.sluice.redis.Topology;
import dev.sluice.testkit.RedisCluster;
import dev.sluice.testkit.RedisProcess;
import dev.sluice.testkit.RedisServers;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.lettuce.core.cluster.SlotHash;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RlsServer on {@link RedisEngine} over real Redis, a standalone server and a 3-master Cluster
 * started once for the class, checked with real grpc-java clients over sockets. The engines read
 * one manual clock at a day boundary, so every ERL window is whole and the figures are exact;
 * every key carries a fresh prefix.
 */
class RlsRedisTest {
  private static RedisCluster cluster;

  @TempDir
  Path dir;
  private final ManualTimeSource clock = TimeSource.manual(RlsHarness.T0);
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Where the engines keep their state. */
  enum Backend { STANDALONE, CLUSTER }

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(3);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private static Topology topology(Backend backend) {
    return backend == Backend.STANDALONE
        ? Topology.standalone(RedisServers.shared().uri())
        : new Topology.Cluster(cluster.seedUris(), Duration.ofSeconds(30));
  }

  /** A Redis engine on the test clock; fail-closed, so a Redis failure can never admit. */
  private RedisEngine engine(Backend backend, String prefix) {
    RedisEngine e = RedisEngine.builder(topology(backend)).keyPrefix(prefix).timeSource(clock)
        .commandTimeout(Duration.ofSeconds(10)).connectTimeout(Duration.ofSeconds(10))
        .defaultPolicy(FailurePolicy.failClosed()).build();
    open.add(e);
    return e;
  }

  /** A real RlsServer on {@code engine} reading {@link #dir}, with a client channel to it. */
  private Rls rls(RedisEngine engine) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RlsServer server = RlsServer.start(RlsConfig.builder().port(0).configDir(dir)
        .reloadInterval(Duration.ZERO).build(), engine, registry);
    open.add(server);
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
        .usePlaintext().build();
    open.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return new Rls(registry, RateLimitServiceGrpc.newBlockingStub(channel),
        RateLimitServiceGrpc.newStub(channel));
  }

  /** One server's client side, and the server's metrics. */
  private record Rls(SimpleMeterRegistry registry,
      RateLimitServiceGrpc.RateLimitServiceBlockingStub blocking,
      RateLimitServiceGrpc.RateLimitServiceStub async) {

    RateLimitResponse call(String domain, RateLimitDescriptor... descriptors) {
      return blocking.withDeadlineAfter(30, TimeUnit.SECONDS).shouldRateLimit(request(domain,
          descriptors));
    }

    CompletableFuture<RateLimitResponse> callAsync(String domain,
        RateLimitDescriptor... descriptors) {
      CompletableFuture<RateLimitResponse> f = new CompletableFuture<>();
      async.withDeadlineAfter(30, TimeUnit.SECONDS).shouldRateLimit(request(domain, descriptors),
          new StreamObserver<>() {
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
          });
      return f;
    }

    /** Answers the engine gave degraded (Redis unreachable): none in these tests. */
    double degraded() {
      return registry.find("sluice.rls.degraded").counters().stream()
          .mapToDouble(Counter::count).sum();
    }

    private static RateLimitRequest request(String domain, RateLimitDescriptor... descriptors) {
      return RateLimitRequest.newBuilder().setDomain(domain)
          .addAllDescriptors(List.of(descriptors)).build();
    }
  }

  private static String prefix() {
    return "rls" + UUID.randomUUID() + ":";
  }

  private static final String TIGHT_AND_LOOSE = """
      domain: aon
      descriptors:
        - key: tight
          rate_limit:
            unit: minute
            requests_per_unit: %d
        - key: loose
          rate_limit:
            unit: minute
            requests_per_unit: 1000
      """;

  private static long admitted(List<CompletableFuture<RateLimitResponse>> calls)
      throws Exception {
    long ok = 0;
    for (CompletableFuture<RateLimitResponse> f : calls) {
      RateLimitResponse r = f.get(60, TimeUnit.SECONDS);
      if (r.getOverallCode() == Code.OK) {
        ok++;
      } else {
        // Denied by the tight descriptor only; the loose one would have admitted.
        assertThat(r.getStatuses(0).getCode()).isEqualTo(Code.OVER_LIMIT);
        assertThat(r.getStatuses(1).getCode()).isEqualTo(Code.OK);
      }
    }
    return ok;
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void readmeExample2_shippedMessagingYaml_isEnforcedExactly(Backend backend) throws Exception {
    // ERL README.md, "Example 2", as shipped in config/envoy/messaging.yaml. Envoy sends the
    // marketing descriptor together with the plain to_number one.
    Files.copy(Path.of("..", "config", "envoy", "messaging.yaml"), dir.resolve("messaging.yaml"));
    Rls rls = rls(engine(backend, prefix()));
    RateLimitDescriptor marketing = descriptor("message_type", "marketing", "to_number",
        "2061111111");
    RateLimitDescriptor plain = descriptor("to_number", "2061111111");
    for (int i = 0; i < 5; i++) {
      RateLimitResponse r = rls.call("messaging", marketing, plain);
      assertThat(r.getOverallCode()).isEqualTo(Code.OK);
      assertThat(r.getStatuses(0).getLimitRemaining()).isEqualTo(4 - i);
      assertThat(r.getStatuses(1).getLimitRemaining()).isEqualTo(99 - i);
    }
    RateLimitResponse sixth = rls.call("messaging", marketing, plain);
    assertThat(sixth.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(sixth.getStatuses(0).getCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(sixth.getStatuses(0).getCurrentLimit().getRequestsPerUnit()).isEqualTo(5);
    assertThat(sixth.getStatuses(0).getCurrentLimit().getUnit()).isEqualTo(RateLimit.Unit.DAY);
    assertThat(sixth.getStatuses(0).getLimitRemaining()).isZero();
    assertThat(sixth.getStatuses(0).getDurationUntilReset().getSeconds()).isEqualTo(86_400);
    assertThat(sixth.getStatuses(1).getCode()).isEqualTo(Code.OK);
    // Another number has its own marketing counter.
    assertThat(rls.call("messaging", descriptor("message_type", "marketing", "to_number",
        "2062222222")).getStatuses(0).getLimitRemaining()).isEqualTo(4);
    // The denied sixth request consumed nothing on to_number: exactly 95 more are admitted.
    for (int i = 0; i < 95; i++) {
      RateLimitResponse r = rls.call("messaging", plain);
      assertThat(r.getOverallCode()).as("plain call %d", i).isEqualTo(Code.OK);
      assertThat(r.getStatuses(0).getLimitRemaining()).isEqualTo(94 - i);
    }
    RateLimitResponse over = rls.call("messaging", plain);
    assertThat(over.getOverallCode()).isEqualTo(Code.OVER_LIMIT);
    assertThat(over.getStatuses(0).getCurrentLimit().getRequestsPerUnit()).isEqualTo(100);
    // The window is the day: the next day starts afresh.
    clock.advance(Duration.ofDays(1));
    assertThat(rls.call("messaging", marketing, plain).getOverallCode()).isEqualTo(Code.OK);
    assertThat(rls.degraded()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void allOrNothing_manyAsyncCalls_exactlyTheLimitAdmitted_looseChargedOnlyForAdmitted(
      Backend backend) throws Exception {
    int limit = 25;
    RlsHarness.write(dir, "aon.yaml", TIGHT_AND_LOOSE.formatted(limit));
    // On the Cluster the two counters live on different masters (slots in different groups),
    // so the engine reserves on one, checks the other and refunds on a denial.
    String tight = "t";
    String loose = "l";
    if (backend == Backend.CLUSTER) {
      int n = 0;
      while (cluster.masterOf(slot("tight", tight)).port()
          == cluster.masterOf(slot("loose", loose)).port()) {
        tight = "t" + ++n;
      }
    }
    String prefix = prefix();
    Rls rls = rls(engine(backend, prefix));
    List<CompletableFuture<RateLimitResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(rls.callAsync("aon", descriptor("tight", tight), descriptor("loose", loose)));
    }
    assertThat(admitted(calls)).isEqualTo(limit);
    assertThat(rls.call("aon", descriptor("tight", tight)).getOverallCode())
        .isEqualTo(Code.OVER_LIMIT);
    // The 275 denied requests were never charged on "loose" (then 1 more for this call).
    assertThat(rls.call("aon", descriptor("loose", loose)).getStatuses(0).getLimitRemaining())
        .isEqualTo(1000 - limit - 1);
    assertThat(rls.degraded()).isZero();
    if (backend == Backend.CLUSTER) {
      assertThat(masterHolding(prefix, "tight=" + tight).port())
          .isNotEqualTo(masterHolding(prefix, "loose=" + loose).port());
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void twoServersOnTwoEnginesSharingOneRedis_admitExactlyTheLimitTogether(Backend backend)
      throws Exception {
    int limit = 40;
    RlsHarness.write(dir, "aon.yaml", TIGHT_AND_LOOSE.formatted(limit));
    String prefix = prefix();
    Rls a = rls(engine(backend, prefix));
    Rls b = rls(engine(backend, prefix));
    List<CompletableFuture<RateLimitResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add((i % 2 == 0 ? a : b).callAsync("aon", descriptor("tight", "shared"),
          descriptor("loose", "shared")));
    }
    assertThat(admitted(calls)).isEqualTo(limit);
    assertThat(a.call("aon", descriptor("tight", "shared")).getOverallCode())
        .isEqualTo(Code.OVER_LIMIT);
    assertThat(b.call("aon", descriptor("tight", "shared")).getOverallCode())
        .isEqualTo(Code.OVER_LIMIT);
    // Each server sees the other's charges: 40 admitted in all, then this call.
    assertThat(b.call("aon", descriptor("loose", "shared")).getStatuses(0).getLimitRemaining())
        .isEqualTo(1000 - limit - 1);
    assertThat(a.degraded() + b.degraded()).isZero();
  }

  /** The slot of the counter of a one-entry descriptor: its key's hash tag is the counter. */
  private static int slot(String key, String value) {
    return SlotHash.getSlot(key + "=" + value);
  }

  /** The master holding the one key of {@code counter} under {@code prefix}, found by KEYS. */
  private static RedisProcess masterHolding(String prefix, String counter) {
    List<RedisProcess> holders = new ArrayList<>();
    for (RedisProcess m : cluster.masters()) {
      List<?> keys = (List<?>) m.call("KEYS", prefix + "{" + counter + "}*");
      if (!keys.isEmpty()) {
        holders.add(m);
      }
    }
    assertThat(holders).as("masters holding %s", counter).hasSize(1);
    return holders.get(0);
  }
}
