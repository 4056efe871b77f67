package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.TestCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A misconfigured {@code tls} block of any listener stops {@code serve} and {@code gateway} at
 * start with exit code 2 and one line per problem naming the key, the file and the reason: no
 * stack trace.
 */
class TlsConfigCommandTest {
  @TempDir
  Path dir;

  private static String run(int expectedExit, String... args) {
    CommandLine cl = SluiceCommand.commandLine();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute(args)).as(err.toString()).isEqualTo(expectedExit);
    String text = err.toString();
    assertThat(text).doesNotContain("Exception").doesNotContain("\tat ");
    return text;
  }

  @Test
  void serve_aMissingFile() throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    Path cfg = dir.resolve("sluice.yaml");
    Files.writeString(cfg, """
        rules: {file: rules.yaml}
        server:
          tls: {cert: nope.crt, key: nope.key}
        """);
    String err = run(2, "serve", "--config", cfg.toString(), "--port", "0");
    assertThat(err).contains("server.tls.cert: " + dir.resolve("nope.crt") + ": no such file");
  }

  @Test
  void serve_anObsoleteProtocol() throws Exception {
    TestCa.Issued pair = TestCa.create("cli-root").server();
    pair.writeChain(dir.resolve("tls.crt"));
    pair.writeKeyPkcs8(dir.resolve("tls.key"));
    Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    Path cfg = dir.resolve("sluice.yaml");
    Files.writeString(cfg, """
        rules: {file: rules.yaml}
        server:
          tls: {cert: tls.crt, key: tls.key, protocols: [TLSv1.1]}
        """);
    String err = run(2, "serve", "--config", cfg.toString(), "--port", "0");
    assertThat(err).contains("server.tls.protocols: 'TLSv1.1'");
  }

  @Test
  void gateway_anExpiredCertificate() throws Exception {
    TestCa.Issued old = TestCa.create("cli-root").expiredServer();
    old.writeChain(dir.resolve("old.crt"));
    old.writeKeyPkcs8(dir.resolve("old.key"));
    Path cfg = dir.resolve("gateway.yaml");
    Files.writeString(cfg, """
        gateway:
          tls: {cert: old.crt, key: old.key}
          routes: [{upstream: api}]
          upstreams: {api: {hosts: [{url: "https://127.0.0.1:1"}], tls: {ca: no-ca.crt}}}
        """);
    String err = run(2, "gateway", "--config", cfg.toString(), "--port", "0");
    assertThat(err).contains("gateway.tls.cert: " + dir.resolve("old.crt")).contains("expired")
        .contains("gateway.upstreams.api.tls.ca: " + dir.resolve("no-ca.crt"));
  }
}
