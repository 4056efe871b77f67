package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

  private static String run(StringWriter err, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int status = cl.execute(args);
    return status + "\n" + out;
  }

  @Test
  void demo_showsEveryAlgorithmDecidingTheBurst() {
    String out = run(new StringWriter(), "demo");
    assertThat(out).startsWith("0\n");
    // 5 per second, 10 requests 100 ms apart: the fixed window admits the first five.
    assertThat(out).contains("5/PT1S fixed-window\n").contains("  +++++.....\n");
    assertThat(out).contains("sliding-window-log").contains("sliding-window-counter")
        .contains("token-bucket burst 5").contains("gcra burst 2");
    assertThat(out).contains("DENIED").contains("retry-after=0.");
  }

  @Test
  void demo_rejectsABadWindowNamingIt() {
    StringWriter err = new StringWriter();
    String out = run(err, "demo", "--window", "soon");
    assertThat(out).startsWith("2\n");
    assertThat(err.toString()).contains("--window 'soon'").doesNotContain("Exception");
  }
}
