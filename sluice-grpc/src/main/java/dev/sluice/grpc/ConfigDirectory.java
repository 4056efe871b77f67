package dev.sluice.grpc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domains of a config directory: every {@code *.yaml} and {@code *.yml} file, one domain per
 * file, each validated whole. {@link #reload()} rereads the directory when a file was added,
 * changed or removed; a file that fails validation is logged (file, YAML path, reason) and counted
 * in {@code sluice.rls.config.errors}, and the last good version of that file stays in force,
 * while the other files load as usual.
 *
 * <p>{@link #domain(String)} is safe from any thread (one volatile snapshot);
 * {@link #reload()} is called from one thread at a time.
 */
final class ConfigDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigDirectory.class);

  private record Stamp(long modifiedMillis, long size) {
  }

  private final Path dir;
  private final MeterRegistry registry;
  private final Map<Path, Stamp> stamps = new HashMap<>();
  /** The last good parse of each file (name order), kept while the file is invalid. */
  private final Map<Path, DomainConfig> lastGood = new TreeMap<>();
  private final Map<Path, String> errors = new TreeMap<>();
  private volatile Map<String, DomainConfig> domains = Map.of();

  ConfigDirectory(Path dir, MeterRegistry registry) {
    this.dir = dir;
    this.registry = registry;
  }

  /** The domain's configuration, or null when no file defines it. */
  DomainConfig domain(String name) {
    return domains.get(name);
  }

  /** Every domain in force, by name. */
  Map<String, DomainConfig> domains() {
    return domains;
  }

  /** The current error of each invalid file (its message names the file), by file. */
  synchronized Map<Path, String> errors() {
    return Map.copyOf(errors);
  }

  /**
   * Rereads the files that changed since the last call and republishes the domains.
   *
   * @return whether anything changed
   * @throws IOException if the directory itself cannot be listed
   */
  synchronized boolean reload() throws IOException {
    Map<Path, Stamp> now = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if ((n.endsWith(".yaml") || n.endsWith(".yml")) && !n.startsWith(".")
            && Files.isRegularFile(f)) {
          BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
          now.put(f, new Stamp(a.lastModifiedTime().toMillis(), a.size()));
        }
      }
    }
    if (now.equals(stamps)) {
      return false;
    }
    lastGood.keySet().retainAll(now.keySet());
    errors.keySet().retainAll(now.keySet());
    for (Map.Entry<Path, Stamp> e : now.entrySet()) {
      Path f = e.getKey();
      if (Objects.equals(stamps.get(f), e.getValue())) {
        continue;
      }
      try {
        DomainConfig parsed = ErlConfigParser.parse(f, Files.readString(f,
            StandardCharsets.UTF_8));
        lastGood.put(f, parsed);
        errors.remove(f);
      } catch (ConfigError ce) {
        fail(f, ce.getMessage(), lastGood.containsKey(f));
      } catch (IOException | RuntimeException io) {
        fail(f, f.getFileName() + ": cannot read: " + io, lastGood.containsKey(f));
      }
    }
    stamps.clear();
    stamps.putAll(now);
    Map<String, DomainConfig> next = new HashMap<>();
    for (DomainConfig c : lastGood.values()) {
      DomainConfig first = next.putIfAbsent(c.domain(), c);
      if (first != null) {
        fail(c.file(), c.file().getFileName() + ": domain: duplicate domain '"
            + c.domain() + "', already defined in " + first.file().getFileName()
            + "; this file is not loaded", false);
      }
    }
    domains = Map.copyOf(next);
    List<String> names = new ArrayList<>(next.keySet());
    names.sort(null);
    LOG.info("Envoy RLS config {}: domains {}", dir, names);
    return true;
  }

  private void fail(Path f, String message, boolean kept) {
    String prev = errors.put(f, message);
    if (!message.equals(prev)) {
      LOG.error("Envoy RLS config: {}{}", message, kept
          ? " (the last good version of this file stays in force)" : "");
    }
    Counter.builder("sluice.rls.config.errors")
        .description("Config files that failed to load, by file")
        .tag("file", f.getFileName().toString())
        .register(registry).increment();
  }
}
