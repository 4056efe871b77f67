package dev.sluice.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real redis-server (or sentinel) process started by {@link RedisServers}: kill it, pause it
 * (SIGSTOP), resume it (SIGCONT), start it again on the same port. {@link #close()} kills it and
 * removes its directory.
 */
public final class RedisProcess implements AutoCloseable {
  private final int port;
  private final Path dir;
  private final Path config;
  private final List<String> args;
  private final int tlsPort;
  private volatile Process process;

  RedisProcess(int port, Path dir, Path config, List<String> args) {
    this(port, 0, dir, config, args);
  }

  RedisProcess(int port, int tlsPort, Path dir, Path config, List<String> args) {
    this.port = port;
    this.tlsPort = tlsPort;
    this.dir = dir;
    this.config = config;
    this.args = List.copyOf(args);
  }

  /** The plaintext port (the harness's own checks use it even on a TLS server). */
  public int port() {
    return port;
  }

  /** The TLS port of a server started by {@link RedisServers#standaloneTls}, otherwise 0. */
  public int tlsPort() {
    return tlsPort;
  }

  /** {@code rediss://127.0.0.1:<tls port>} for a server started with TLS. */
  public String tlsUri() {
    if (tlsPort == 0) {
      throw new IllegalStateException("redis on port " + port + " was started without TLS");
    }
    return "rediss://127.0.0.1:" + tlsPort;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public Path dir() {
    return dir;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  synchronized void launch() {
    List<String> cmd = new ArrayList<>();
    cmd.add(RedisServers.binary().toString());
    if (config != null) {
      cmd.add(config.toString());
    }
    cmd.addAll(args);
    try {
      process = new ProcessBuilder(cmd).directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout.log").toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
    awaitReady();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    IOException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("redis on port " + port + " exited: " + log());
      }
      try (Resp r = new Resp(port, 1_000)) {
        if ("PONG".equals(r.call("PING"))) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      sleep(20);
    }
    throw new IllegalStateException("redis on port " + port + " not ready: " + last + " " + log());
  }

  /** The tail of the server's log, for failure messages. */
  public String log() {
    try {
      for (String name : List.of("redis.log", "stdout.log")) {
        Path p = dir.resolve(name);
        if (Files.exists(p) && Files.size(p) > 0) {
          List<String> lines = Files.readAllLines(p);
          return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        }
      }
    } catch (IOException ignored) {
      // only for messages
    }
    return "(no log)";
  }

  /** kill -9. */
  public synchronized void kill() {
    Process p = process;
    if (p != null && p.isAlive()) {
      resume();
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts the server again on the same port and directory (after {@link #kill()}). */
  public synchronized void restart() {
    kill();
    RedisServers.register(this);
    launch();
  }

  /** SIGSTOP: the process stays, its sockets stay open, nothing answers. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT. */
  public void resume() {
    Process p = process;
    if (p != null && p.isAlive()) {
      signal("CONT");
    }
  }

  private void signal(String sig) {
    try {
      Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).start();
      if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
        throw new IllegalStateException("kill -" + sig + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs one command on this server (harness helper). */
  public Object call(String... command) {
    return Resp.once(port, command);
  }

  @Override
  public void close() {
    kill();
    RedisServers.unregister(this);
    RedisServers.deleteTree(dir);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
