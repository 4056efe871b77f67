package dev.sluice.rules.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.sluice.rules.RuleSet;
import dev.sluice.rules.RuleSetCodec;
import dev.sluice.rules.Violation;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Rules in a YAML file, the default store. The file is read every {@code interval} and, when its
 * bytes changed, parsed and validated; a valid file replaces the rules, an invalid one is
 * reported and the last good rules stay in force. A write through the API re-reads the file,
 * applies its change and rewrites the file atomically (temporary file and rename) while holding
 * an exclusive lock on {@code .NAME.lock} beside it, so writers in several processes never lose
 * each other's changes and the file is always the source of truth; comments in it are not kept
 * by such a write.
 *
 * <p>Polling rather than a file-system watch: it sees editors that replace the file, symbolic
 * links swapped by a configuration manager, and network file systems alike, and costs one small
 * read per interval.
 */
public final class FileRuleStore implements RuleStore {
  private static final YAMLMapper YAML = new YAMLMapper();

  private static final ConcurrentHashMap<Path, Object> WRITERS = new ConcurrentHashMap<>();

  private final Path file;
  private final Duration interval;
  private final int maxRules;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().daemon().name("sluice-rules-file").unstarted(r));
  private final Object lock = new Object();
  private volatile RuleSet current;
  private volatile boolean reachable = true;
  private byte[] lastBytes;
  private Consumer<RuleSet> onChange = s -> { };
  private FailureListener onFailure = (r, m) -> { };

  /** A store of {@code file}, checked every {@code interval}. */
  public FileRuleStore(Path file, Duration interval, int maxRules) {
    this.file = file;
    this.interval = interval;
    this.maxRules = maxRules;
  }

  /**
   * Reads the file once, as at start.
   *
   * @throws IllegalStateException naming every problem when the file is unreadable or invalid
   */
  public RuleSet loadInitial() {
    synchronized (lock) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new IllegalStateException("rules file " + file + " cannot be read: " + e);
      }
      Object parsed = parse(bytes);
      if (parsed instanceof String problem) {
        throw new IllegalStateException("rules file " + file + " is invalid: " + problem);
      }
      lastBytes = bytes;
      current = (RuleSet) parsed;
      return current;
    }
  }

  @Override
  public String name() {
    return "file";
  }

  @Override
  public String location() {
    return file.toString();
  }

  @Override
  public void start(Consumer<RuleSet> onChange, FailureListener onFailure) {
    this.onChange = onChange;
    this.onFailure = onFailure;
    if (current == null) {
      loadInitial();
    }
    onChange.accept(current);
    long ms = Math.max(1, interval.toMillis());
    timer.scheduleWithFixedDelay(this::poll, ms, ms, TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      synchronized (lock) {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(file);
          reachable = true;
        } catch (IOException e) {
          if (lastBytes != null) {
            lastBytes = null; // report once per outage; re-read when it is back
            reachable = false;
            onFailure.failed("unreadable", "rules file " + file + " cannot be read (" + e
                + "); keeping the " + current.rules().size() + " rules in force");
          }
          return;
        }
        if (Arrays.equals(bytes, lastBytes)) {
          return;
        }
        lastBytes = bytes;
        Object parsed = parse(bytes);
        if (parsed instanceof String problem) {
          onFailure.failed("invalid", "rules file " + file + " is invalid, keeping the "
              + current.rules().size() + " rules in force: " + problem);
          return;
        }
        RuleSet next = (RuleSet) parsed;
        if (!next.etag().equals(current.etag())) {
          current = next;
          onChange.accept(next); // under the lock: sets are delivered in the order stored
        }
      }
    } catch (RuntimeException e) {
      onFailure.failed("error", "rules file check failed: " + e);
    }
  }

  private Object parse(byte[] bytes) {
    JsonNode root;
    try {
      root = YAML.readTree(bytes);
    } catch (JacksonException e) {
      return "not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("")
          + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "");
    } catch (IOException e) {
      return e.toString();
    }
    return switch (RuleSetCodec.parse(root, maxRules)) {
      case RuleSetCodec.Valid v -> v.ruleSet();
      case RuleSetCodec.Invalid i -> Violation.describe(i.violations());
    };
  }

  @Override
  public RuleSet update(UnaryOperator<RuleSet> change, String ifMatch) {
    // Writers of one file exclude each other across processes (an OS lock on a sidecar file) and
    // within this JVM (where the OS lock cannot be taken twice): the read-modify-write is atomic
    // against every writer, whichever store instance or process it is.
    Object jvmLock = WRITERS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new Object());
    synchronized (jvmLock) {
      Path lockFile = file.resolveSibling("." + file.getFileName() + ".lock");
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock held = ch.lock()) {
        return updateLocked(change, ifMatch);
      } catch (IOException e) {
        throw new StoreUnavailableException("rules file " + file + " cannot be locked for "
            + "writing (" + lockFile + ")", e);
      }
    }
  }

  private RuleSet updateLocked(UnaryOperator<RuleSet> change, String ifMatch) {
    synchronized (lock) {
      poll(); // the file as it is now: an edit the timer has not seen yet is not reverted
      if (!reachable) {
        throw new StoreUnavailableException("rules file " + file + " cannot be read", null);
      }
      if (!RuleStore.matches(ifMatch, current.etag())) {
        throw new PreconditionFailedException(current.etag());
      }
      RuleSet next = change.apply(current);
      try {
        byte[] bytes = YAML.writeValueAsBytes(RuleSetCodec.write(next));
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
              StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        lastBytes = bytes;
        current = next;
      } catch (IOException e) {
        throw new StoreUnavailableException("rules file " + file + " cannot be written", e);
      }
      onChange.accept(next);
      return next;
    }
  }

  @Override
  public boolean reachable() {
    return reachable;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
