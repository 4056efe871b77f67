package dev.sluice.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP forwarder on a free loopback port in front of a real server, whose link can be cut: the
 * fault a network partition causes, without stopping the server (which other tests share).
 * {@link #cut()} closes every open connection and refuses new ones until {@link #restore()};
 * {@link #latency(Duration)} delays every byte by a one-way latency in each direction (a slow
 * link: order and throughput are kept, each chunk arrives that much later).
 *
 * <p>Thread-safe. Two platform threads per direction per connection: for tests only.
 */
public final class CuttableProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;
  private volatile boolean closed;
  private volatile long latencyNanos;

  private CuttableProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().name("cuttable-proxy-accept").start(this::accept);
  }

  /** A proxy to {@code 127.0.0.1:targetPort}. */
  public static CuttableProxy to(int targetPort) {
    try {
      return new CuttableProxy(targetPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port clients connect to. */
  public int port() {
    return listener.getLocalPort();
  }

  /** Cuts the link: closes every connection; new ones are closed at once. */
  public void cut() {
    cut = true;
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  /** Restores the link for new connections. */
  public void restore() {
    cut = false;
  }

  /**
   * Delays every chunk forwarded from now on by {@code oneWay} in each direction (so a round
   * trip by twice that); {@link Duration#ZERO} for none.
   *
   * @throws IllegalArgumentException if {@code oneWay} is null or negative
   */
  public void latency(Duration oneWay) {
    if (oneWay == null || oneWay.isNegative()) {
      throw new IllegalArgumentException("latency " + oneWay + " must be >= 0");
    }
    latencyNanos = oneWay.toNanos();
  }

  private void accept() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (cut) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
        open.add(client);
        open.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  /** A chunk read from one side, to be written to the other once due. */
  private record Chunk(long dueNanos, byte[] bytes) {}

  private static final Chunk END = new Chunk(0, new byte[0]);

  private void pump(Socket from, Socket to) {
    LinkedBlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
    Thread.ofPlatform().daemon().name("cuttable-proxy-read").start(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          line.add(new Chunk(System.nanoTime() + latencyNanos, Arrays.copyOf(buf, n)));
        }
      } catch (IOException e) {
        // the link was cut or a side closed
      } finally {
        line.add(END);
      }
    });
    Thread.ofPlatform().daemon().name("cuttable-proxy-write").start(() -> {
      try (OutputStream out = to.getOutputStream()) {
        while (true) {
          Chunk c = line.take();
          if (c == END) {
            break;
          }
          long wait = c.dueNanos() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          out.write(c.bytes());
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // the link was cut or a side closed
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    });
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    closed = true;
    cut();
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
