package dev.sluice.bench.redis;

import dev.sluice.Decision;
import dev.sluice.Limit;
import dev.sluice.Rule;
import dev.sluice.redis.BreakerSettings;
import dev.sluice.redis.FailurePolicy;
import dev.sluice.redis.RedisEngine;
import dev.sluice.redis.RedisRateLimiter;
import dev.sluice.redis.Topology;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.redisson.Redisson;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The Redis backend's benchmarks, side by side with their ceilings and peers in one run.
 *
 * <p>{@code peers} measures Redis CPU per check (from {@code INFO cpu}) for Sluice, Bucket4j's
 * Lettuce backend, Redisson's {@code RRateLimiter} and two reference scripts (a fixed window as
 * {@code INCRBY} + {@code PEXPIRE}, and the design seed's floating-point token bucket), each
 * through its own asynchronous API with {@value #IN_FLIGHT} calls in flight over 100,000 clients;
 * docs/benchmarks-redis.md has the figures.
 *
 * <p>Not JMH: two of the figures need what JMH cannot give, the Redis server's own CPU time
 * ({@code INFO cpu}, to compare throughput per Redis core with {@code redis-benchmark} running the
 * same script) and an open-loop paced load (p99 latency at half of saturation). Each scenario runs
 * for a fixed time after a warm-up and prints one line; docs/benchmarks.md ("Redis engine") has
 * the commands and the figures.
 *
 * <pre>
 *   java -cp ... dev.sluice.bench.redis.RedisBenchmarks PORT [seconds] [scenario...]
 *   scenarios: peers throughput hotset latency memory breaker   (default: all)
 * </pre>
 *
 * <p>Needs a redis-server on 127.0.0.1:PORT (flushed first) and, for the throughput ceiling,
 * {@code redis-benchmark} on PATH.
 */
public final class RedisBenchmarks {
  static final Rule ONE = Rule.of("bench1", Limit.tokenBucket(1_000_000, Duration.ofSeconds(1)));
  static final Rule THREE = Rule.of("bench3", Limit.tokenBucket(1_000_000, Duration.ofSeconds(1)),
      Limit.fixedWindow(100_000_000, Duration.ofMinutes(1)),
      Limit.gcra(1_000_000, Duration.ofSeconds(1)).withBurst(1_000));
  static final int KEYS = 100_000;
  static final int DEPTH = 32;
  /** Calls in flight in the peers scenario, as an application with many requests has them. */
  static final int IN_FLIGHT = 256;

  private final int port;
  private final int seconds;
  private final RedisCommands<byte[], byte[]> admin;

  private RedisBenchmarks(int port, int seconds) {
    this.port = port;
    this.seconds = seconds;
    this.admin = RedisClient.create("redis://127.0.0.1:" + port).connect(ByteArrayCodec.INSTANCE)
        .sync();
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("scripts")) {
      writeScripts(java.nio.file.Path.of(args[1]));
      return;
    }
    int port = Integer.parseInt(args[0]);
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<String> which = args.length > 2 ? Arrays.asList(args).subList(2, args.length)
        : List.of("peers", "throughput", "hotset", "latency", "memory", "breaker");
    RedisBenchmarks b = new RedisBenchmarks(port, seconds);
    System.out.printf("# %s, %d cores, redis %s, %d s per scenario%n",
        System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors(),
        b.info("server", "redis_version"), seconds);
    for (String w : which) {
      switch (w) {
        case "throughput" -> {
          b.throughput(ONE);
          b.throughput(THREE);
        }
        case "hotset" -> b.hotSet();
        case "latency" -> {
          b.latency(ONE);
          b.latency(THREE);
        }
        case "breaker" -> b.breakerOpen();
        case "peers" -> b.peers();
        case "memory" -> {
          b.memory(ONE);
          b.memory(THREE);
        }
        default -> throw new IllegalArgumentException("unknown scenario " + w);
      }
    }
    System.exit(0);
  }

  /**
   * Writes, for {@code redis/instructions.sh}, each benchmark rule's check script
   * ({@code <rule>.lua}) and the redis-benchmark arguments of one check at the server's time
   * ({@code <rule>.args}, the key's client replaced by {@code __rand_int__}, the sha included).
   */
  static void writeScripts(java.nio.file.Path dir) throws IOException {
    java.nio.file.Files.createDirectories(dir);
    try (RedisEngine engine = RedisEngine.builder(Topology.standalone("redis://127.0.0.1:1"))
        .build()) {
      for (Rule rule : List.of(ONE, THREE)) {
        java.nio.file.Files.writeString(dir.resolve(rule.id() + ".lua"),
            RedisEngine.scriptSource(rule));
        List<String> call = new ArrayList<>(engine.scriptCall("CLIENT", rule, 1));
        call.set(3, call.get(3).replace("CLIENT", "__rand_int__"));
        java.nio.file.Files.writeString(dir.resolve(rule.id() + ".args"),
            String.join(" ", call) + "\n");
      }
    }
    for (String r : List.of("incrby_pexpire.lua", "seed_token_bucket.lua")) {
      java.nio.file.Files.writeString(dir.resolve(r), resource(r));
    }
  }

  private RedisEngine engine() {
    return RedisEngine.builder(Topology.standalone("redis://127.0.0.1:" + port))
        .commandTimeout(Duration.ofSeconds(5)).denialCache(false).build();
  }

  String info(String section, String field) {
    String s = admin.info(section);
    Matcher m = Pattern.compile("(?m)^" + field + ":(\\S+)").matcher(s);
    return m.find() ? m.group(1) : "?";
  }

  /** Redis's CPU seconds (user + sys of the server process) so far. */
  double redisCpu() {
    return Double.parseDouble(info("cpu", "used_cpu_user"))
        + Double.parseDouble(info("cpu", "used_cpu_sys"));
  }

  /** Calls of each command so far, from INFO commandstats. */
  long commandCalls(String command) {
    String s = admin.info("commandstats");
    Matcher m = Pattern.compile("(?m)^cmdstat_" + command + ":calls=(\\d+)").matcher(s);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  // --- Redis CPU per check: every peer in one run, through its own async API ---

  /** One asynchronous check of a client (0 <= client < KEYS) by some limiter. */
  interface AsyncCheck {
    CompletionStage<?> check(int client);
  }

  /** What one peer did while measured. */
  record PeerResult(String name, long checks, double wallSeconds, double redisCpuSeconds) {
    double perRedisCpuSecond() {
      return checks / redisCpuSeconds;
    }
  }

  void peers() throws Exception {
    admin.flushall();
    List<PeerResult> results = new ArrayList<>();
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
    try (StatefulRedisConnection<String, String> conn = client.connect()) {
      RedisAsyncCommands<String, String> async = conn.async();
      String incr = conn.sync().scriptLoad(resource("incrby_pexpire.lua"));
      results.add(measure("script INCRBY+PEXPIRE (fixed window, envoy-style), 1 conn", i -> async
          .evalsha(incr, ScriptOutputType.INTEGER, new String[] {"ir{" + i + "}"}, "1", "60000")));
      String seed = conn.sync().scriptLoad(resource("seed_token_bucket.lua"));
      results.add(measure("script seed token bucket (HMGET/HSET, float), 1 conn", i -> async
          .evalsha(seed, ScriptOutputType.MULTI, new String[] {"st{" + i + "}"}, "1000000",
              "1000000", secondsNow(), "1")));
    }
    try (RedisEngine engine = engine()) {
      for (Rule rule : List.of(ONE, THREE)) {
        RedisRateLimiter limiter = engine.limiter(rule);
        results.add(measure("sluice " + rule.id() + " checkAsync, 1 conn", i -> limiter
            .checkAsync("k" + i, 1).thenApply(d -> {
              if (d.degraded()) {
                throw new IllegalStateException("degraded during a benchmark");
              }
              return d;
            })));
      }
    }
    try (StatefulRedisConnection<byte[], byte[]> conn = client.connect(ByteArrayCodec.INSTANCE)) {
      AsyncProxyManager<byte[]> pm = Bucket4jLettuce.casBasedBuilder(conn)
          .expirationAfterWrite(ExpirationAfterWriteStrategy
              .basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
          .build().asAsync();
      BucketConfiguration cfg = BucketConfiguration.builder()
          .addLimit(l -> l.capacity(1_000_000).refillGreedy(1_000_000, Duration.ofSeconds(1)))
          .build();
      AsyncBucketProxy[] buckets = new AsyncBucketProxy[KEYS];
      results.add(measure("bucket4j-lettuce tryConsume (async, CAS), 1 conn", i -> {
        AsyncBucketProxy b = buckets[i];
        if (b == null) {
          b = pm.builder().build(("b4j{" + i + "}").getBytes(StandardCharsets.UTF_8), cfg);
          buckets[i] = b;
        }
        return b.tryConsume(1);
      }));
    } finally {
      client.shutdown();
    }
    Config config = new Config();
    config.useSingleServer().setAddress("redis://127.0.0.1:" + port);
    RedissonClient redisson = Redisson.create(config);
    try {
      RRateLimiter[] limiters = new RRateLimiter[KEYS];
      Semaphore window = new Semaphore(IN_FLIGHT);
      for (int i = 0; i < KEYS; i++) {
        limiters[i] = redisson.getRateLimiter("rs{" + i + "}");
        window.acquire();
        limiters[i].trySetRateAsync(RateType.OVERALL, 1_000_000, Duration.ofSeconds(1))
            .whenComplete((v, e) -> window.release());
      }
      window.acquire(IN_FLIGHT);
      results.add(measure("redisson RRateLimiter tryAcquireAsync, its pool",
          i -> limiters[i].tryAcquireAsync(1)));
    } finally {
      redisson.shutdown();
    }
    PeerResult floor = results.get(0);
    PeerResult sluice = results.stream().filter(r -> r.name().startsWith("sluice bench1"))
        .findFirst().orElseThrow();
    for (PeerResult r : results) {
      System.out.printf(Locale.ROOT, "peers summary: %-58s %8.0f checks/s, %5.1f us redis cpu per "
          + "check, %7.0f per redis cpu-second, %.2fx the INCRBY script's cpu, sluice bench1 "
          + "does %.2fx its checks per redis cpu-second%n", r.name(), r.checks() / r.wallSeconds(),
          r.redisCpuSeconds() * 1e6 / r.checks(), r.perRedisCpuSecond(),
          floor.perRedisCpuSecond() / r.perRedisCpuSecond(),
          sluice.perRedisCpuSecond() / r.perRedisCpuSecond());
    }
  }

  /** Warms up for 2 s, then measures one peer for the scenario's seconds; prints one line. */
  PeerResult measure(String name, AsyncCheck check) throws InterruptedException {
    runInFlight(name, check, 2);
    double cpu0 = redisCpu();
    long t0 = System.nanoTime();
    long n = runInFlight(name, check, seconds);
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = redisCpu() - cpu0;
    System.out.printf(Locale.ROOT, "peers %s: %d in flight: %.0f checks/s, redis cpu %.2f s of "
        + "%.2f s -> %.1f us per check, %.0f checks per redis cpu-second%n", name, IN_FLIGHT,
        n / wall, cpu, wall, cpu * 1e6 / n, n / cpu);
    return new PeerResult(name, n, wall, cpu);
  }

  /** Keeps IN_FLIGHT checks of random clients outstanding for secs; returns checks done. */
  long runInFlight(String name, AsyncCheck check, int secs) throws InterruptedException {
    Semaphore window = new Semaphore(IN_FLIGHT);
    AtomicLong failed = new AtomicLong();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
    long n = 0;
    while (System.nanoTime() < end) {
      window.acquire();
      check.check(r.nextInt(KEYS)).whenComplete((v, e) -> {
        if (e != null) {
          failed.incrementAndGet();
        }
        window.release();
      });
      n++;
    }
    window.acquire(IN_FLIGHT);
    if (failed.get() > 0) {
      throw new IllegalStateException(name + ": " + failed.get() + " of " + n + " calls failed");
    }
    return n;
  }

  private static String secondsNow() {
    long ms = System.currentTimeMillis();
    return (ms / 1000) + "." + String.format(Locale.ROOT, "%03d", ms % 1000);
  }

  private static String resource(String name) {
    try (InputStream in = RedisBenchmarks.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource dev/sluice/bench/redis/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // --- memory per client: MEMORY USAGE of one key and INFO used_memory over many ---

  void memory(Rule rule) {
    int clients = 20_000;
    admin.flushall();
    long m0 = Long.parseLong(info("memory", "used_memory"));
    // the caller's clock: the keys get the 60 s TTL slack and outlive the measurement (a token
    // bucket of 1,000,000/s is back to full, and its key due to expire, 1 s after its check)
    try (RedisEngine engine = RedisEngine.builder(Topology.standalone("redis://127.0.0.1:" + port))
        .commandTimeout(Duration.ofSeconds(5)).denialCache(false)
        .timeSource(dev.sluice.TimeSource.system()).build()) {
      RedisRateLimiter limiter = engine.limiter(rule);
      List<CompletableFuture<Decision>> batch = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        batch.add(limiter.checkAsync("user:" + (10_000_000 + i), 1).toCompletableFuture());
        if (batch.size() == 256 || i == clients - 1) {
          batch.forEach(CompletableFuture::join);
          batch.clear();
        }
      }
      long m1 = Long.parseLong(info("memory", "used_memory"));
      String key = engine.keyOf("user:10000000", rule);
      Long usage = admin.memoryUsage(key.getBytes(StandardCharsets.UTF_8));
      int k = rule.limits().size();
      System.out.printf(Locale.ROOT, "memory %s (%d limits): MEMORY USAGE %d bytes per client "
          + "(%.0f per limit); INFO used_memory %.0f bytes per client over %d clients (%.0f per "
          + "limit); key %s%n", rule.id(), k, usage, usage / (double) k,
          (m1 - m0) / (double) clients, clients, (m1 - m0) / (double) clients / k, key);
    }
  }

  // --- throughput per Redis core, against redis-benchmark running the same script ---

  void throughput(Rule rule) throws Exception {
    admin.flushall();
    try (RedisEngine engine = engine()) {
      RedisRateLimiter limiter = engine.limiter(rule);
      runPipelined(limiter, 2);
      double cpu0 = redisCpu();
      long t0 = System.nanoTime();
      long ops = runPipelined(limiter, seconds);
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = redisCpu() - cpu0;
      double sluicePerCore = ops / cpu;
      System.out.printf(Locale.ROOT, "throughput %s sluice: 1 connection, pipeline %d: %.0f checks/s,"
          + " redis cpu %.2f s of %.2f s -> %.0f checks per redis cpu-second%n",
          rule.id(), DEPTH, ops / wall, cpu, wall, sluicePerCore);

      List<String> call = new ArrayList<>(engine.scriptCall("CLIENT", rule, 1));
      call.set(3, call.get(3).replace("CLIENT", "__rand_int__"));
      admin.flushall();
      List<String> cmd = new ArrayList<>(List.of("redis-benchmark", "-p", Integer.toString(port),
          "-c", "1", "-P", Integer.toString(DEPTH), "-r", Integer.toString(KEYS),
          "-n", Long.toString(Math.max(100_000, (long) (ops / wall * seconds))), "-q"));
      cmd.addAll(call);
      double bcpu0 = redisCpu();
      long b0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.MINUTES);
      double bwall = (System.nanoTime() - b0) / 1e9;
      double bcpu = redisCpu() - bcpu0;
      Matcher m = Pattern.compile("([0-9.]+) requests per second").matcher(out);
      double rps = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
      long calls = Long.parseLong(cmd.get(cmd.indexOf("-n") + 1));
      double benchPerCore = calls / bcpu;
      System.out.printf(Locale.ROOT, "throughput %s redis-benchmark: -c 1 -P %d: %.0f requests/s,"
          + " redis cpu %.2f s of %.2f s -> %.0f per redis cpu-second; sluice/ceiling per core "
          + "%.2f, per wall second %.2f%n", rule.id(), DEPTH, rps, bcpu, bwall, benchPerCore,
          sluicePerCore / benchPerCore, (ops / wall) / rps);
      if (!out.contains("requests per second")) {
        System.out.println("redis-benchmark said: " + out.trim());
      }
    }
  }

  /** Batches of DEPTH async checks over the engine's one connection; returns checks done. */
  static long runPipelined(RedisRateLimiter limiter, int secs) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
    long ops = 0;
    List<CompletableFuture<Decision>> batch = new ArrayList<>(DEPTH);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    while (System.nanoTime() < end) {
      batch.clear();
      for (int i = 0; i < DEPTH; i++) {
        batch.add(limiter.checkAsync("k" + r.nextInt(KEYS), 1).toCompletableFuture());
      }
      for (CompletableFuture<Decision> f : batch) {
        if (f.join().degraded()) {
          throw new IllegalStateException("degraded during a benchmark");
        }
      }
      ops += DEPTH;
    }
    return ops;
  }

  // --- a contended hot set of 100 keys: Sluice against Bucket4j's Lettuce backend ---

  void hotSet() throws Exception {
    int threads = 8;
    int hot = 100;
    admin.flushall();
    try (RedisEngine engine = engine()) {
      RedisRateLimiter limiter = engine.limiter(ONE);
      long calls0 = engine.stats().scriptCalls();
      long evals0 = commandCalls("evalsha") + commandCalls("eval");
      double cpu0 = redisCpu();
      long[] r = runThreads(threads, i -> limiter.tryAcquire("hot" + i));
      double cpu = redisCpu() - cpu0;
      long evals = commandCalls("evalsha") + commandCalls("eval") - evals0;
      System.out.printf(Locale.ROOT, "hotset sluice: %d threads, %d keys: %.0f checks/s, "
          + "%.1f us redis cpu per check, %.3f scripts per check (%d script calls for %d checks"
          + " incl. warm-up: 0 retries)%n", threads, hot, r[0] / (r[1] / 1e9),
          cpu * 1e6 / r[0], evals / (double) r[0], engine.stats().scriptCalls() - calls0, r[0]);
    }
    admin.flushall();
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
    try (StatefulRedisConnection<byte[], byte[]> conn = client.connect(ByteArrayCodec.INSTANCE)) {
      ProxyManager<byte[]> pm = Bucket4jLettuce.casBasedBuilder(conn)
          .expirationAfterWrite(ExpirationAfterWriteStrategy
              .basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
          .build();
      BucketConfiguration cfg = BucketConfiguration.builder()
          .addLimit(l -> l.capacity(1_000_000).refillGreedy(1_000_000, Duration.ofSeconds(1)))
          .build();
      ConcurrentHashMap<Integer, BucketProxy> buckets = new ConcurrentHashMap<>();
      long evals0 = commandCalls("evalsha") + commandCalls("eval");
      double cpu0 = redisCpu();
      long[] r = runThreads(threads, i -> buckets.computeIfAbsent(i,
          k -> pm.builder().build(("hot" + k).getBytes(StandardCharsets.UTF_8), () -> cfg))
          .tryConsume(1));
      double cpu = redisCpu() - cpu0;
      long evals = commandCalls("evalsha") + commandCalls("eval") - evals0;
      System.out.printf(Locale.ROOT, "hotset bucket4j-lettuce: %d threads, %d keys: %.0f "
          + "checks/s, %.1f us redis cpu per check, %.3f compare-and-swap scripts per check "
          + "(each after a GET; above 1 = retries)%n", threads, hot, r[0] / (r[1] / 1e9),
          cpu * 1e6 / r[0], evals / (double) r[0]);
    } finally {
      client.shutdown();
    }
  }

  interface Check {
    boolean run(int key);
  }

  /** Threads each checking random hot keys; returns {checks, elapsed nanos}. */
  long[] runThreads(int threads, Check check) throws InterruptedException {
    for (int i = 0; i < 2000; i++) {
      check.run(i % 100);
    }
    LongAdder done = new LongAdder();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> ts = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long n = 0;
        while (System.nanoTime() < end) {
          check.run(r.nextInt(100));
          n++;
        }
        done.add(n);
      });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join();
    }
    return new long[] {done.sum(), System.nanoTime() - t0};
  }

  // --- p99 latency at half of saturation (open loop) ---

  void latency(Rule rule) throws Exception {
    admin.flushall();
    try (RedisEngine engine = engine()) {
      RedisRateLimiter limiter = engine.limiter(rule);
      long t0 = System.nanoTime();
      long sat = runPipelined(limiter, Math.max(2, seconds / 2));
      double saturation = sat / ((System.nanoTime() - t0) / 1e9);
      double rate = saturation / 2;
      int n = (int) Math.min(rate * seconds, 5_000_000);
      long[] lat = new long[n];
      AtomicLong bad = new AtomicLong();
      CompletableFuture<?>[] all = new CompletableFuture<?>[n];
      ThreadLocalRandom r = ThreadLocalRandom.current();
      // Open loop in 1 ms ticks: each tick sends the requests due by then, without waiting for
      // answers, and sleeps (a spinning generator would take a core from Redis on 2 cores).
      long start = System.nanoTime();
      int sent = 0;
      while (sent < n) {
        long now = System.nanoTime();
        int due = (int) Math.min(n, (now - start) / 1e9 * rate);
        for (; sent < due; sent++) {
          int at = sent;
          long sentAt = System.nanoTime();
          all[at] = limiter.checkAsync("k" + r.nextInt(KEYS), 1).toCompletableFuture()
              .thenAccept(d -> {
                lat[at] = System.nanoTime() - sentAt;
                if (d.degraded()) {
                  bad.incrementAndGet();
                }
              });
        }
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      CompletableFuture.allOf(all).join();
      Arrays.sort(lat);
      System.out.printf(Locale.ROOT, "latency %s at %.0f checks/s (half of %.0f): p50 %.0f us, "
          + "p99 %.0f us, p99.9 %.0f us, max %.0f us over %d checks%s%n", rule.id(), rate,
          saturation, lat[n / 2] / 1e3, lat[(int) (n * 0.99)] / 1e3, lat[(int) (n * 0.999)] / 1e3,
          lat[n - 1] / 1e3, n, bad.get() > 0 ? " (" + bad.get() + " degraded!)" : "");
    }
  }

  // --- the outage path: breaker open ---

  void breakerOpen() throws IOException {
    int dead;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    try (RedisEngine engine = RedisEngine.builder(Topology.standalone("redis://127.0.0.1:" + dead))
        .breaker(new BreakerSettings(1, Duration.ofHours(1), Duration.ofHours(1)))
        .defaultPolicy(FailurePolicy.failOpen()).build()) {
      RedisRateLimiter limiter = engine.limiter(ONE);
      limiter.check("open");
      long sink = 0;
      for (int i = 0; i < 2_000_000; i++) {
        sink += limiter.check("k" + (i & 1023)).remaining();
      }
      int n = 10_000_000;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += limiter.check("k" + (i & 1023)).remaining();
      }
      double ns = (System.nanoTime() - t0) / (double) n;
      System.out.printf(Locale.ROOT, "breaker open (fail-open policy): %.0f ns per check, "
          + "%d script calls for %d checks, breakers %s (sink %d)%n", ns,
          engine.stats().scriptCalls(), n + 2_000_001L, engine.stats().breakers(), sink & 1);
    }
  }
}
