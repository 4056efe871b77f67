package dev.sluice.redis.link;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/**
 * An engine's periodic rounds (syncs, lease rounds, exchanges) on one daemon thread, so that
 * rounds never overlap, with the statistics of how they went. A round that throws is logged and
 * its error kept; the next one runs as planned. Thread-safe.
 *
 * <p>The figures are written by the round's own thread (or the caller of a manual round, which
 * the engine serialises) and read by anyone: each is volatile, a reader sees each figure once,
 * not all of them atomically.
 */
public final class Rounds implements AutoCloseable {
  private final ScheduledExecutorService scheduler;
  private final Runnable round;
  private final Logger log;
  private final String what;
  private volatile long count;
  private volatile long failed;
  private volatile int consecutiveFailures;
  private volatile long lastSuccessMicros = -1;
  private volatile long lastRoundMicros;
  private volatile String lastError;

  private Rounds(String thread, Runnable round, Logger log, String what) {
    this.round = round;
    this.log = log;
    this.what = what;
    this.scheduler = thread == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, thread);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Rounds that will run {@code round} on a daemon thread named {@code thread} once
   * {@link #start started}.
   *
   * @param what the rounds' name in the log, e.g. "sync round"
   */
  public static Rounds automatic(String thread, Runnable round, Logger log, String what) {
    return new Rounds(thread, round, log, what);
  }

  /**
   * Starts automatic rounds: the first after {@code initialDelayMicros}, then each
   * {@code intervalMicros} after the previous one ended; nothing for manual rounds. Called once
   * the engine is fully built, since the first round may run at once.
   */
  public void start(long initialDelayMicros, long intervalMicros) {
    if (scheduler != null) {
      scheduler.scheduleWithFixedDelay(this::runQuietly, initialDelayMicros, intervalMicros,
          TimeUnit.MICROSECONDS);
    }
  }

  /**
   * Rounds run only by the engine's caller (replays on a manual clock), or by some other rounds
   * (an exchange per peer): their statistics alone.
   */
  public static Rounds manual() {
    return new Rounds(null, () -> { }, null, "");
  }

  /** Whether rounds run by themselves. */
  public boolean isAutomatic() {
    return scheduler != null;
  }

  /**
   * Runs one round besides the regular ones after {@code delayMicros}, on the rounds' thread.
   *
   * @return false when the rounds are manual or closed
   */
  public boolean runSoon(long delayMicros, Runnable before) {
    if (scheduler == null) {
      return false;
    }
    try {
      scheduler.schedule(() -> {
        before.run();
        runQuietly();
      }, delayMicros, TimeUnit.MICROSECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false; // closing
    }
  }

  private void runQuietly() {
    try {
      round.run();
    } catch (RuntimeException e) {
      lastError = e.toString();
      log.warn(what + " failed", e);
    }
  }

  /**
   * Records a round that ended at {@code nowMicros} (engine time), whether every command of it
   * succeeded, and how long it took.
   */
  public void record(boolean ok, long nowMicros, long tookMicros) {
    count++;
    if (ok) {
      consecutiveFailures = 0;
      lastSuccessMicros = nowMicros;
    } else {
      failed++;
      consecutiveFailures++;
    }
    lastRoundMicros = tookMicros;
  }

  /**
   * Waits up to {@code max} for every stage of a round to complete; on a failure, keeps it as the
   * last error.
   *
   * @return whether all completed normally (false on the first failure, a timeout, or an
   *     interruption, whose flag is set again)
   */
  public boolean await(List<? extends CompletableFuture<?>> pending, Duration max) {
    String error = awaitAll(pending, max);
    if (error != null) {
      lastError = error;
    }
    return error == null;
  }

  /**
   * Waits up to {@code max} for every stage to complete.
   *
   * @return null when all completed normally, else what failed (the first failure, a timeout, or
   *     an interruption, whose flag is set again)
   */
  public static String awaitAll(List<? extends CompletableFuture<?>> pending, Duration max) {
    CompletableFuture<Void> all =
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]));
    try {
      all.get(max.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return cause.toString();
    }
  }

  /** Rounds run so far. */
  public long count() {
    return count;
  }

  /** Rounds in which some command failed or timed out. */
  public long failed() {
    return failed;
  }

  /** Failed rounds since the last fully successful one. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** Engine time of the last fully successful round in microseconds, -1 before the first. */
  public long lastSuccessMicros() {
    return lastSuccessMicros;
  }

  /** How long ago the last fully successful round ended, -1 before the first. */
  public long sinceSuccessMicros(long nowMicros) {
    long last = lastSuccessMicros;
    return last < 0 ? -1 : Math.max(0, nowMicros - last);
  }

  /** How long the last round took in microseconds, 0 before the first. */
  public long lastRoundMicros() {
    return lastRoundMicros;
  }

  /** The last failure's description, or null. */
  public String lastError() {
    return lastError;
  }

  /** Stops the rounds, interrupting a running one, and waits up to 5 s for it to end. */
  @Override
  public void close() {
    if (scheduler == null) {
      return;
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
