package dev.sluice.redis;

import io.lettuce.core.api.StatefulConnection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A connection opened on first use and opened again if opening failed, so that an engine can be
 * built while Redis is down and recovers by itself. Once open, Lettuce reconnects it after
 * failures. Thread-safe.
 */
final class LazyConnection<C extends StatefulConnection<?, ?>> {
  private final Supplier<CompletableFuture<C>> connector;
  private volatile CompletableFuture<C> current;
  private volatile boolean closed;

  LazyConnection(Supplier<CompletableFuture<C>> connector) {
    this.connector = connector;
  }

  CompletableFuture<C> get() {
    CompletableFuture<C> c = current;
    if (c == null || c.isCompletedExceptionally()) {
      synchronized (this) {
        c = current;
        if (closed) {
          return CompletableFuture.failedFuture(new IllegalStateException("engine closed"));
        }
        if (c == null || c.isCompletedExceptionally()) {
          try {
            c = connector.get();
          } catch (RuntimeException e) {
            c = CompletableFuture.failedFuture(e);
          }
          current = c;
        }
      }
    }
    return c;
  }

  /** The open connection, or null when none is open yet. */
  C ifOpen() {
    CompletableFuture<C> c = current;
    return c != null && c.isDone() && !c.isCompletedExceptionally() ? c.join() : null;
  }

  /** Refuses further connections; the client's shutdown closes the open one. */
  synchronized void close() {
    closed = true;
  }
}
