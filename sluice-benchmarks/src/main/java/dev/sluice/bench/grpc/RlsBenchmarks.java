package dev.sluice.bench.grpc;

import com.google.protobuf.Duration;
import dev.sluice.InMemoryEngine;
import dev.sluice.grpc.RlsConfig;
import dev.sluice.grpc.RlsServer;
import dev.sluice.server.SluiceServer;
import dev.sluice.server.config.ServerConfig;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.Code;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.DescriptorStatus;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse.RateLimit;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Envoy's RLS (sluice-grpc) under load, side by side in one run with its ceiling, an empty
 * grpc-java unary service answering a constant response, and with the same decisions through the
 * HTTP check endpoint (docs/benchmarks.md, "Envoy RLS").
 *
 * <p>Not JMH: the latency figure needs an open-loop paced load, and the figures need the CPU the
 * load generator itself took, which this harness measures per thread. Everything runs in this
 * JVM on loopback: {@link RlsServer} on the in-memory engine with one rule (an ERL descriptor
 * {@code client} with a fixed window of 10^9 per second, so every call is decided and admitted,
 * clients spread uniformly over 10,000 values), and the empty service on grpc-java's defaults as
 * well. The load generator is grpc-java async stubs on its own Netty event loops and a direct
 * executor, a bounded window of calls in flight spread over its channels (one connection each).
 * The HTTP figures come from {@code wrk} (a child process, {@code sluice-server/bench/check.lua})
 * against {@link SluiceServer} started in this JVM with the same rule.
 *
 * <pre>
 *   java -cp ... dev.sluice.bench.grpc.RlsBenchmarks [seconds] [window] [channels] [check.lua]
 *   defaults: 10 s per phase, 256 calls in flight, 2 channels, sluice-server/bench/check.lua
 * </pre>
 *
 * <p>Phases: 5 s warm-up of each gRPC target; two rounds of saturation (empty service, then
 * Sluice); Sluice paced at half of its mean saturation throughput, then the empty service at the
 * same rate; then wrk against the HTTP service (5 s warm-up, then one measured run). Latency
 * percentiles come from every call's latency, sorted; paced latencies are measured from each
 * call's scheduled send time, so a late sender counts against the figure.
 */
public final class RlsBenchmarks {
  static final int KEYS = 10_000;
  static final int LIMIT = 1_000_000_000;
  private static final int MAX_SAMPLES = 8_000_000;

  private final int seconds;
  private final int window;
  private final int channels;
  private final RateLimitRequest[] requests = new RateLimitRequest[KEYS];
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final List<Thread> generatorThreads = new CopyOnWriteArrayList<>();
  private final EventLoopGroup clientLoops;

  private RlsBenchmarks(int seconds, int window, int channels) {
    this.seconds = seconds;
    this.window = window;
    this.channels = channels;
    for (int i = 0; i < KEYS; i++) {
      requests[i] = RateLimitRequest.newBuilder().setDomain("bench")
          .addDescriptors(RateLimitDescriptor.newBuilder().addEntries(
              RateLimitDescriptor.Entry.newBuilder().setKey("client").setValue("c" + i)))
          .build();
    }
    AtomicInteger n = new AtomicInteger();
    ThreadFactory named = r -> {
      Thread t = new Thread(r, "bench-client-" + n.incrementAndGet());
      t.setDaemon(true);
      generatorThreads.add(t);
      return t;
    };
    clientLoops = new MultiThreadIoEventLoopGroup(channels, named, NioIoHandler.newFactory());
  }

  /**
   * Runs every phase and prints one line per phase, then the ratios.
   *
   * @param args {@code [seconds per phase] [calls in flight] [channels] [path of check.lua]}
   */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int window = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    int channels = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Path lua = Path.of(args.length > 3 ? args[3] : "sluice-server/bench/check.lua");
    if (seconds < 1 || window < 1 || channels < 1 || window % channels != 0) {
      throw new IllegalArgumentException("seconds " + seconds + " and window " + window
          + " must be >= 1, and the window a multiple of the channels " + channels);
    }
    if (!Files.isReadable(lua)) {
      throw new IllegalArgumentException(lua.toAbsolutePath() + " (check.lua) is not readable:"
          + " run from the repository root or pass its path");
    }
    new RlsBenchmarks(seconds, window, channels).run(lua);
    System.exit(0);
  }

  private void run(Path lua) throws Exception {
    System.out.printf(Locale.ROOT, "# %s, %d cores, %d s per phase, %d calls in flight over %d"
        + " channels; %s%n", System.getProperty("java.vm.version"),
        Runtime.getRuntime().availableProcessors(), seconds, window, channels, load());
    Path dir = Files.createTempDirectory("rls-bench");
    Path erl = Files.createDirectory(dir.resolve("envoy"));
    Files.writeString(erl.resolve("bench.yaml"), """
        domain: bench
        descriptors:
          - key: client
            rate_limit:
              unit: second
              requests_per_unit: %d
        """.formatted(LIMIT));
    try (InMemoryEngine engine = InMemoryEngine.create();
        RlsServer sluice = RlsServer.start(RlsConfig.builder().port(0).configDir(erl)
            .reloadInterval(java.time.Duration.ZERO).build(), engine, new SimpleMeterRegistry());
        Target empty = new Target("empty grpc-java service", emptyService());
        Target rls = new Target("Sluice RLS", sluice.port())) {
      Result emptyWarm = saturate(empty, 5);
      Result rlsWarm = saturate(rls, 5);
      System.out.println("warm-up: " + emptyWarm.line() + " | " + rlsWarm.line());
      List<Result> emptyRuns = new ArrayList<>();
      List<Result> rlsRuns = new ArrayList<>();
      for (int round = 1; round <= 2; round++) {
        emptyRuns.add(print("saturation, round " + round, saturate(empty, seconds)));
        rlsRuns.add(print("saturation, round " + round, saturate(rls, seconds)));
      }
      double emptyMean = emptyRuns.stream().mapToDouble(Result::perSecond).average().orElse(0);
      double rlsMean = rlsRuns.stream().mapToDouble(Result::perSecond).average().orElse(0);
      double half = rlsMean / 2;
      Result rlsPaced = print("paced at half of Sluice's saturation", paced(rls, half, seconds));
      print("paced at the same rate", paced(empty, half, seconds));
      HttpResult http = http(dir, lua);
      System.out.printf(Locale.ROOT, "%-40s %-26s %,10.0f calls/s  p50 %s  p99 %s;"
          + "  wrk CPU %.2f cores, server JVM %.2f cores; %s%n", "saturation, wrk -t2 -c32",
          "Sluice HTTP check", http.perSecond(), http.p50(), http.p99(), http.wrkCores(),
          http.jvmCores(), load());
      System.out.printf(Locale.ROOT, "%nSluice / empty service, mean saturation: %,.0f / %,.0f"
          + " = %.3f (target >= 0.8: %s)%n", rlsMean, emptyMean, rlsMean / emptyMean,
          rlsMean / emptyMean >= 0.8 ? "MET" : "MISSED");
      System.out.printf(Locale.ROOT, "Sluice paced at %,.0f calls/s: p99 %.3f ms (target < 1 ms:"
          + " %s)%n", half, rlsPaced.percentileMicros(99) / 1000.0,
          rlsPaced.percentileMicros(99) < 1000 ? "MET" : "MISSED");
      System.out.printf(Locale.ROOT, "Sluice RLS / Sluice HTTP, saturation: %,.0f / %,.0f ="
          + " %.2f%n", rlsMean, http.perSecond(), rlsMean / http.perSecond());
    } finally {
      clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private static Result print(String phase, Result r) {
    System.out.printf(Locale.ROOT, "%-40s %s%n", phase, r.line());
    return r;
  }

  /** The ceiling: a grpc-java unary service on its defaults, answering one constant response. */
  private Server emptyService() throws IOException {
    // The same shape as Sluice's answer to the benchmark's request, so both send as many bytes.
    RateLimitResponse constant = RateLimitResponse.newBuilder().setOverallCode(Code.OK)
        .addStatuses(DescriptorStatus.newBuilder().setCode(Code.OK)
            .setCurrentLimit(RateLimit.newBuilder().setRequestsPerUnit(LIMIT)
                .setUnit(RateLimit.Unit.SECOND))
            .setLimitRemaining(LIMIT - 1)
            .setDurationUntilReset(Duration.newBuilder().setSeconds(1)))
        .build();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new RateLimitServiceGrpc.RateLimitServiceImplBase() {
          @Override
          public void shouldRateLimit(RateLimitRequest request,
              StreamObserver<RateLimitResponse> observer) {
            observer.onNext(constant);
            observer.onCompleted();
          }
        })
        .build().start();
  }

  /** One gRPC server under test and the generator's channels to it. */
  private final class Target implements AutoCloseable {
    final String name;
    final Server owned;
    final List<ManagedChannel> open = new ArrayList<>();
    final RateLimitServiceGrpc.RateLimitServiceStub[] stubs;

    Target(String name, Server owned) {
      this(name, owned, owned.getPort());
    }

    Target(String name, int port) {
      this(name, null, port);
    }

    private Target(String name, Server owned, int port) {
      this.name = name;
      this.owned = owned;
      stubs = new RateLimitServiceGrpc.RateLimitServiceStub[channels];
      for (int i = 0; i < channels; i++) {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
            .eventLoopGroup(clientLoops).channelType(NioSocketChannel.class)
            .directExecutor().build();
        open.add(c);
        stubs[i] = RateLimitServiceGrpc.newStub(c);
      }
    }

    RateLimitRequest anyRequest() {
      return requests[ThreadLocalRandom.current().nextInt(KEYS)];
    }

    @Override
    public void close() throws InterruptedException {
      for (ManagedChannel c : open) {
        c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      if (owned != null) {
        owned.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Latencies in nanoseconds, recorded from any thread, at most {@link #MAX_SAMPLES}. */
  private static final class Samples {
    final long[] values = new long[MAX_SAMPLES];
    final AtomicInteger size = new AtomicInteger();

    void add(long nanos) {
      int i = size.getAndIncrement();
      if (i < values.length) {
        values[i] = nanos;
      }
    }

    long[] sorted() {
      long[] s = Arrays.copyOf(values, Math.min(size.get(), values.length));
      Arrays.sort(s);
      return s;
    }
  }

  /** What one phase measured. */
  record Result(String target, double perSecond, long[] sortedNanos, long errors, long notOk,
      double generatorCores, double jvmCores, String load) {

    double percentileMicros(double p) {
      if (sortedNanos.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.min(sortedNanos.length - 1,
          Math.ceil(p / 100 * sortedNanos.length) - 1);
      return sortedNanos[Math.max(0, i)] / 1000.0;
    }

    String line() {
      return String.format(Locale.ROOT, "%-26s %,10.0f calls/s  p50 %7.1f us  p99 %8.1f us"
          + "  p99.9 %8.1f us  max %8.1f us  errors %d, not OK %d;  generator CPU %.2f cores,"
          + " whole JVM %.2f cores; %s", target, perSecond, percentileMicros(50),
          percentileMicros(99), percentileMicros(99.9), percentileMicros(100), errors, notOk,
          generatorCores, jvmCores, load);
    }
  }

  /** CPU time of the generator's threads and of the whole JVM, to turn into cores. */
  private final class CpuClock {
    final long wall = System.nanoTime();
    final long generator = generatorCpu();
    final long jvm = jvmCpu();

    double generatorCores() {
      return (generatorCpu() - generator) / (double) (System.nanoTime() - wall);
    }

    double jvmCores() {
      return (jvmCpu() - jvm) / (double) (System.nanoTime() - wall);
    }
  }

  private long generatorCpu() {
    long sum = 0;
    for (Thread t : generatorThreads) {
      long c = threads.getThreadCpuTime(t.threadId());
      sum += Math.max(0, c);
    }
    return sum;
  }

  private static long jvmCpu() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /**
   * Closed loop: {@link #window} calls in flight, each answered call replaced by a new one at
   * once, for {@code secs} seconds; throughput counts the calls answered within the time.
   */
  /**
   * One call's answer, counted the same way by the closed-loop and the paced generator: a
   * response whose overall code is not OK, or an error, after which {@link #failed} ends the call.
   */
  private abstract static class Answer implements StreamObserver<RateLimitResponse> {
    private final AtomicLong errors;
    private final AtomicLong notOk;

    Answer(AtomicLong errors, AtomicLong notOk) {
      this.errors = errors;
      this.notOk = notOk;
    }

    @Override
    public void onNext(RateLimitResponse value) {
      if (value.getOverallCode() != Code.OK) {
        notOk.incrementAndGet();
      }
    }

    @Override
    public void onError(Throwable t) {
      errors.incrementAndGet();
      failed();
    }

    /** The call failed: it is over, without a sample. */
    abstract void failed();
  }

  private Result saturate(Target target, int secs) throws InterruptedException {
    Samples samples = new Samples();
    AtomicLong answered = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong notOk = new AtomicLong();
    CountDownLatch done = new CountDownLatch(window);
    CpuClock cpu = new CpuClock();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(secs);
    final class Slot extends Answer {
      final RateLimitServiceGrpc.RateLimitServiceStub stub;
      long sent;

      Slot(RateLimitServiceGrpc.RateLimitServiceStub stub) {
        super(errors, notOk);
        this.stub = stub;
      }

      void next() {
        sent = System.nanoTime();
        stub.shouldRateLimit(target.anyRequest(), this);
      }

      @Override
      void failed() {
        done.countDown();
      }

      @Override
      public void onCompleted() {
        long now = System.nanoTime();
        samples.add(now - sent);
        if (now < end) {
          answered.incrementAndGet();
          next();
        } else {
          done.countDown();
        }
      }
    }
    for (int i = 0; i < window; i++) {
      new Slot(target.stubs[i % channels]).next();
    }
    if (!done.await(secs + 30L, TimeUnit.SECONDS)) {
      throw new IllegalStateException(target.name + ": calls still in flight 30 s after the end");
    }
    double perSecond = answered.get() / ((end - start) / 1e9);
    return new Result(target.name, perSecond, samples.sorted(), errors.get(), notOk.get(),
        cpu.generatorCores(), cpu.jvmCores(), load());
  }

  /**
   * Open loop: calls scheduled at a fixed rate for {@code secs} seconds whatever the answers,
   * sent by one pacing thread; each latency runs from the call's scheduled time to its answer.
   */
  private Result paced(Target target, double rate, int secs) throws InterruptedException {
    Samples samples = new Samples();
    AtomicLong answered = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong notOk = new AtomicLong();
    AtomicLong inFlight = new AtomicLong();
    double interval = 1e9 / rate;
    long[] sent = new long[1];
    CpuClock[] cpu = new CpuClock[1];
    long[] span = new long[2];
    Thread pacer = new Thread(() -> {
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(secs);
      span[0] = start;
      long i = 0;
      while (true) {
        long now = System.nanoTime();
        long due = start + (long) (i * interval);
        if (due >= end) {
          break;
        }
        while (due <= now) {
          long scheduled = due;
          inFlight.incrementAndGet();
          target.stubs[(int) (i % channels)].shouldRateLimit(target.anyRequest(),
              new Answer(errors, notOk) {
                @Override
                void failed() {
                  inFlight.decrementAndGet();
                }

                @Override
                public void onCompleted() {
                  samples.add(System.nanoTime() - scheduled);
                  answered.incrementAndGet();
                  inFlight.decrementAndGet();
                }
              });
          i++;
          due = start + (long) (i * interval);
        }
        LockSupport.parkNanos(due - System.nanoTime());
      }
      sent[0] = i;
      span[1] = end;
    }, "bench-pacer");
    generatorThreads.add(pacer);
    cpu[0] = new CpuClock();
    pacer.start();
    pacer.join();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    if (inFlight.get() > 0) {
      throw new IllegalStateException(target.name + ": " + inFlight.get()
          + " paced calls unanswered 30 s after the end");
    }
    double perSecond = sent[0] / ((span[1] - span[0]) / 1e9);
    Result r = new Result(target.name, perSecond, samples.sorted(), errors.get(), notOk.get(),
        cpu[0].generatorCores(), cpu[0].jvmCores(), load());
    generatorThreads.remove(pacer);
    return r;
  }

  /** wrk's figures against the HTTP service, and the CPU it and this JVM took. */
  record HttpResult(double perSecond, String p50, String p99, double wrkCores, double jvmCores) {}

  /** The same rule through {@code POST /rate-limit/check}: SluiceServer here, wrk outside. */
  private HttpResult http(Path dir, Path lua) throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), """
        rules:
          - id: bench
            limits: [{window: 1s, max: %d, algorithm: fixed-window}]
        """.formatted(LIMIT));
    Path yaml = dir.resolve("sluice.yaml");
    Files.writeString(yaml, """
        server: {host: 127.0.0.1, port: 0}
        rules: {file: rules.yaml}
        """);
    try (SluiceServer server = SluiceServer.start(ServerConfig.load(yaml))) {
      String url = "http://127.0.0.1:" + server.port() + "/rate-limit/check";
      wrk(lua, url, 5);
      long wall = System.nanoTime();
      long jvm = jvmCpu();
      String out = wrk(lua, url, seconds);
      double jvmCores = (jvmCpu() - jvm) / (double) (System.nanoTime() - wall);
      if (out.contains("Non-2xx")) {
        throw new IllegalStateException("wrk saw non-2xx answers:\n" + out);
      }
      Matcher rps = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
      Matcher p50 = Pattern.compile("(?m)^\\s+50%\\s+(\\S+)").matcher(out);
      Matcher p99 = Pattern.compile("(?m)^\\s+99%\\s+(\\S+)").matcher(out);
      // bash's `times`: this shell's user and system time, then its children's (wrk's).
      Matcher times = Pattern.compile("(?m)^(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s$").matcher(out);
      double childCpu = 0;
      times.find();
      if (times.find()) {
        childCpu = Integer.parseInt(times.group(1)) * 60 + Double.parseDouble(times.group(2))
            + Integer.parseInt(times.group(3)) * 60 + Double.parseDouble(times.group(4));
      }
      if (!rps.find() || !p50.find() || !p99.find()) {
        throw new IllegalStateException("cannot read wrk's output:\n" + out);
      }
      return new HttpResult(Double.parseDouble(rps.group(1)), p50.group(1), p99.group(1),
          childCpu / seconds, jvmCores);
    }
  }

  /** Runs wrk for {@code secs} seconds under bash, followed by bash's {@code times}. */
  private static String wrk(Path lua, String url, int secs) throws Exception {
    String cmd = "wrk --latency -t2 -c32 -d" + secs + "s -s '" + lua.toAbsolutePath() + "' "
        + url + "; times";
    Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(secs + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed:\n" + out);
    }
    return out;
  }

  /** The load average now (1, 5 and 15 minutes), to judge how noisy a phase was. */
  private static String load() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return "load " + parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "load n/a";
    }
  }
}
