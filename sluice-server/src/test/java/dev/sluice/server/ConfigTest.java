package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.rules.config.ConfigException;
import dev.sluice.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invalid configuration refuses to start, naming the key; the real process end to end. */
class ConfigTest {
  @TempDir
  Path dir;

  ServerConfig parse(String yaml) throws Exception {
    return TestServer.parse(dir, yaml,
        name -> Map.of("TOKEN_FROM_ENV", "0123456789abcdef-env").get(name));
  }

  @Test
  void everyBadKey_isNamed_withTheReason() {
    assertThatThrownBy(() -> parse("""
        server: {port: 70000, max-batch: zero, colour: blue}
        admin: {token: short}
        engine: {type: quantum}
        rules: {store: floppy, reload-interval: soon}
        identity: {trusted-proxies: [10.0.0.0/99]}
        extra: 1
        """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
        .anyMatch(p -> p.startsWith("server.port: 70000 must be in [0, 65535]"))
        .anyMatch(p -> p.startsWith("server.max-batch: 'zero' is not an integer"))
        .anyMatch(p -> p.startsWith("server.colour: unknown key"))
        .anyMatch(p -> p.startsWith("admin.token: is 5 characters"))
        .anyMatch(p -> p.startsWith("engine.type: 'quantum' is not an engine"))
        .anyMatch(p -> p.startsWith("rules.store: 'floppy' is not a rule store"))
        .anyMatch(p -> p.startsWith("identity.trusted-proxies:"))
        .anyMatch(p -> p.startsWith("extra: unknown key")));
    assertThatThrownBy(() -> parse("rules: {store: file, reload-interval: soon, shelf: 3}\n"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.startsWith("rules.reload-interval:"))
            .anyMatch(p -> p.startsWith("rules.shelf: unknown key")));
  }

  @Test
  void openRulesApi_onANonLoopbackAddress_isRefused_unlessAllowed() throws Exception {
    assertThatThrownBy(() -> parse("server: {host: 0.0.0.0}\n"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.startsWith("admin.token: the rules API would be open")));
    assertThat(parse("server: {host: 0.0.0.0}\nadmin: {allow-open-rules-api: true}\n").host())
        .isEqualTo("0.0.0.0");
    assertThat(parse("server: {host: 0.0.0.0}\nadmin: {token: \"${TOKEN_FROM_ENV}\"}\n")
        .adminToken()).isEqualTo("0123456789abcdef-env");
    assertThatThrownBy(() -> parse("admin: {token: \"${NOT_SET_ANYWHERE}\"}\n"))
        .hasMessageContaining("admin.token: environment variable NOT_SET_ANYWHERE is not set");
  }

  @Test
  void theRulesFileMustExist() {
    assertThatThrownBy(() -> parse("rules: {file: missing.yaml}\n"))
        .hasMessageContaining("rules.file:");
  }

  @Test
  void engineAndStoreTypes_notOnTheClassPath_areNamedWithTheKnownOnes() {
    // sluice-server alone has the in-memory engine and the file store; the CLI assembly adds
    // the others (its AssemblyConfigTest checks their keys).
    assertThatThrownBy(() -> parse("engine: {type: redis}\nrules: {store: postgres}\n"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .anyMatch(p -> p.equals("engine.type: 'redis' is not an engine on the class path; "
                + "known: [in-memory]"))
            .anyMatch(p -> p.equals("rules.store: 'postgres' is not a rule store on the class "
                + "path; known: [file]")));
  }

  /** Runs {@code serve} as its own JVM, as {@code bin/sluice serve} does. */
  Process serve(Path config) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        "dev.sluice.server.cli.ServerCli", "serve", "--config", config.toString(), "--port", "0")
        .redirectErrorStream(true);
    pb.environment().put("SLUICE_STATE_DIR", dir.resolve("state").toString());
    return pb.start();
  }

  @Test
  void process_withAnInvalidConfig_exits2_namingTheKey() throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, "server: {port: -1}\n");
    Process p = serve(cfg);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(out).contains("server.port: -1 must be in [0, 65535]");
  }
}
