package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice gateway} as registered in the {@code sluice} command. */
class GatewayCommandTest {
  @TempDir
  Path dir;

  private static int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = SluiceCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void help_describesTheConfigOption() {
    StringWriter out = new StringWriter();
    assertThat(run(out, new StringWriter(), "gateway", "--help")).isZero();
    assertThat(out.toString()).contains("--config=FILE").contains("reverse proxy");
    StringWriter top = new StringWriter();
    run(top, new StringWriter(), "--help");
    assertThat(top.toString()).contains("gateway");
  }

  @Test
  void invalidConfig_exits2NamingTheKey() throws Exception {
    Path cfg = dir.resolve("gateway.yaml");
    Files.writeString(cfg, "gateway: {routes: [{upstream: x}], upstreams: {}}\n");
    StringWriter err = new StringWriter();
    assertThat(run(new StringWriter(), err, "gateway", "--config", cfg.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("gateway.routes[0].upstream: 'x' is not in "
        + "gateway.upstreams").doesNotContain("Exception");
  }

  @Test
  void missingConfig_exits2() {
    StringWriter err = new StringWriter();
    assertThat(run(new StringWriter(), err, "gateway", "--config",
        dir.resolve("nope.yaml").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("does not exist");
  }
}
