package dev.sluice.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The programs some tests run that do not come with the JDK or Maven (Prometheus's
 * {@code promtool} and {@code prometheus}, from Debian's {@code prometheus} package), and the one
 * line a test class prints when one is missing: the class is then skipped (a JUnit assumption),
 * never silently. The line also goes to {@code target/tests-not-run.txt}, which
 * {@code bin/sluice test} repeats after Maven's summary.
 */
final class ExternalTools {
  private ExternalTools() {}

  /** The executable {@code name} on the PATH, or null. */
  static Path find(String name) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    for (String dir : dirs) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The executable {@code name}; when it is missing, prints one line naming {@code tests} and
   * why, records it, and aborts the calling class's tests (skipped).
   */
  static Path require(String name, String debianPackage, String tests) {
    Path p = find(name);
    if (p == null) {
      String line = "sluice: " + tests + " did not run: " + name + " is not installed (Debian "
          + "package " + debianPackage + "; .ci/run installs it)";
      System.out.println(line);
      try {
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "tests-not-run.txt"), line + "\n",
            StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Assumptions.abort(line);
    }
    return p;
  }

  /** The repository's {@code deploy} folder (the tests run in the module's folder). */
  static Path deploy() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("deploy").resolve("prometheus"))) {
        return d.resolve("deploy");
      }
    }
    throw new IllegalStateException("no deploy/ folder above " + Path.of("").toAbsolutePath());
  }

  /** What a finished program printed (stdout and stderr together) and its exit code. */
  record Run(int exit, String output) {}

  /** Runs a program in {@code dir} to completion (at most {@code timeoutSeconds}). */
  static Run run(Path dir, long timeoutSeconds, List<String> command) {
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .start();
      // Read while it runs: a full pipe would block the program.
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
      }
      return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
