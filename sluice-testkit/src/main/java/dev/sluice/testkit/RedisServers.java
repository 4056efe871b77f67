package dev.sluice.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts real Redis processes for tests: standalone servers, a Cluster of masters with replicas,
 * and a Sentinel group, on free loopback ports in temporary directories, and removes them.
 *
 * <p>The binary: {@code -Dsluice.redis.server=PATH} or the environment variable
 * {@code SLUICE_REDIS_SERVER} names one; the value {@code embedded} forces the Redis 6.2 binary
 * bundled in the {@code com.github.codemonstur:embedded-redis} test dependency; otherwise
 * {@code redis-server} from PATH, and the embedded one when there is none. Tests never skip: no
 * binary is a failure.
 */
public final class RedisServers {
  private static final List<RedisProcess> ALL = new ArrayList<>();
  private static final String EMBEDDED = "redis-server-6.2.6-v5-linux-amd64";
  private static volatile Path binary;
  private static RedisProcess shared;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (ALL) {
        for (RedisProcess p : ALL) {
          p.kill();
          deleteTree(p.dir());
        }
      }
    }));
  }

  private RedisServers() {}

  /** The redis-server binary the harness uses, and how it was found. */
  public static synchronized Path binary() {
    if (binary != null) {
      return binary;
    }
    String choice = System.getProperty("sluice.redis.server", System.getenv("SLUICE_REDIS_SERVER"));
    if (choice != null && !choice.isBlank() && !choice.equals("embedded")) {
      Path p = Path.of(choice);
      if (!Files.isExecutable(p)) {
        throw new IllegalStateException("sluice.redis.server " + choice + " is not executable");
      }
      return binary = p;
    }
    if (choice == null || choice.isBlank()) {
      String path = System.getenv("PATH");
      if (path != null) {
        for (String dir : path.split(File.pathSeparator)) {
          Path p = Path.of(dir, "redis-server");
          if (Files.isExecutable(p)) {
            return binary = p;
          }
        }
      }
    }
    return binary = extractEmbedded();
  }

  /** The bundled Redis 6.2 binary, extracted (whatever the PATH holds). */
  public static synchronized Path embeddedBinary() {
    return extractEmbedded();
  }

  private static Path extractEmbedded() {
    String arch = System.getProperty("os.arch");
    if (!System.getProperty("os.name").toLowerCase().contains("linux")
        || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new IllegalStateException("no redis-server on PATH and the embedded binary is for "
          + "linux-amd64 only (this is " + System.getProperty("os.name") + "/" + arch
          + "): install redis-server or set -Dsluice.redis.server");
    }
    try (InputStream in = RedisServers.class.getResourceAsStream("/" + EMBEDDED)) {
      if (in == null) {
        throw new IllegalStateException("embedded-redis jar with " + EMBEDDED
            + " is not on the test classpath");
      }
      Path dir = Files.createTempDirectory("sluice-redis-bin");
      Path p = dir.resolve("redis-server");
      // deleteOnExit runs in reverse order of registration: the file first, then its directory
      dir.toFile().deleteOnExit();
      p.toFile().deleteOnExit();
      Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
      p.toFile().setExecutable(true);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the embedded redis-server", e);
    }
  }

  /** The binary's version line, e.g. {@code Redis server v=7.0.15 ...}. */
  public static String version() {
    try {
      Process p = new ProcessBuilder(binary().toString(), "--version").redirectErrorStream(true)
          .start();
      String s = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor(5, TimeUnit.SECONDS);
      return s;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One standalone server for the whole test JVM (flush or use distinct keys between tests). */
  public static synchronized RedisProcess shared() {
    if (shared == null || !shared.isAlive()) {
      shared = standalone();
    }
    return shared;
  }

  /** A new standalone server; close it when done. */
  public static RedisProcess standalone(String... extraArgs) {
    return start(freePort(false), List.of(extraArgs));
  }

  /** A new standalone server on a given port (e.g. one an engine already points at). */
  public static RedisProcess standaloneOn(int port, String... extraArgs) {
    return start(port, List.of(extraArgs));
  }

  /**
   * A new standalone server that also speaks TLS on a port of its own ({@link
   * RedisProcess#tlsPort()}), serving the PEM chain {@code cert} with {@code key}; with
   * {@code requireClientCert} a client must present a certificate signed by {@code ca}. Its
   * plaintext port stays open for the harness's own checks. Needs a redis-server built with TLS
   * (Debian's is; the bundled 6.2 binary is not).
   */
  public static RedisProcess standaloneTls(Path cert, Path key, Path ca,
      boolean requireClientCert, String... extraArgs) {
    int port = freePort(false);
    int tlsPort = freePort(false);
    while (tlsPort == port) {
      tlsPort = freePort(false);
    }
    List<String> args = tlsArgs(tlsPort, cert, key, ca, requireClientCert);
    args.addAll(List.of(extraArgs));
    return start(port, tlsPort, args);
  }

  /** The arguments of a server speaking TLS on {@code tlsPort}. */
  static List<String> tlsArgs(int tlsPort, Path cert, Path key, Path ca,
      boolean requireClientCert) {
    return new ArrayList<>(List.of("--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", cert.toAbsolutePath().toString(),
        "--tls-key-file", key.toAbsolutePath().toString(),
        "--tls-ca-cert-file", ca.toAbsolutePath().toString(),
        "--tls-auth-clients", requireClientCert ? "yes" : "no"));
  }

  /** A loopback port free now, for a server started later. */
  public static int freePort() {
    return freePort(false);
  }

  static RedisProcess start(int port, List<String> extra) {
    return start(port, 0, extra);
  }

  static RedisProcess start(int port, int tlsPort, List<String> extra) {
    try {
      Path dir = Files.createTempDirectory("sluice-redis-" + port + "-");
      List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port),
          "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
          "--dir", dir.toString(), "--daemonize", "no", "--protected-mode", "no",
          "--logfile", dir.resolve("redis.log").toString()));
      args.addAll(extra);
      RedisProcess p = new RedisProcess(port, tlsPort, dir, null, args);
      register(p);
      p.launch();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void register(RedisProcess p) {
    synchronized (ALL) {
      ALL.add(p);
    }
  }

  static void unregister(RedisProcess p) {
    synchronized (ALL) {
      ALL.remove(p);
    }
  }

  /** A loopback port that is free now (and, for cluster nodes, whose bus port +10000 is too). */
  static int freePort(boolean withBus) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + ThreadLocalRandom.current().nextInt(25_000);
      if (free(port) && (!withBus || free(port + 10_000))) {
        return port;
      }
    }
    throw new IllegalStateException("no free port found");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: temp dirs
    }
  }
}
