package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.rules.config.ConfigException;
import dev.sluice.server.config.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembly's configuration: the Redis engine and the PostgreSQL store, found on the class
 * path through their providers, validate their own keys and name every bad one.
 */
class AssemblyConfigTest {
  @TempDir
  Path dir;

  ServerConfig parse(String yaml) throws Exception {
    return TestServer.parse(dir, yaml, name -> null);
  }

  @Test
  void redisEngine_badKeysAreNamed() throws Exception {
    assertThatThrownBy(() -> parse("""
        engine: {type: redis, topology: cluster, failure-policy: maybe, local-share: 2,
                 command-timeout: never}
        """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
        .anyMatch(p -> p.startsWith("engine.topology: 'nodes' must list at least one"))
        .anyMatch(p -> p.startsWith("engine.failure-policy: 'maybe' must be one of"))
        .anyMatch(p -> p.startsWith("engine.local-share: '2' must be a number in (0, 1]"))
        .anyMatch(p -> p.startsWith("engine.command-timeout:")));
    assertThat(parse("engine: {type: redis, uri: \"redis://127.0.0.1:1\"}\n").pipeline().engine().name())
        .isEqualTo("redis-standalone");
  }

  @Test
  void postgresStore_needsAUrl() {
    assertThatThrownBy(() -> parse("rules: {store: postgres}\n"))
        .hasMessageContaining("rules.postgres.url: is required");
  }

  @Test
  void theOtherStoresKeys_areKnown_whenOneStoreIsSelected() throws Exception {
    assertThat(parse("rules: {store: file, postgres: {url: \"jdbc:postgresql://h/db\"}}\n")
        .pipeline().storeName()).isEqualTo("file");
    assertThat(parse("rules: {store: postgres, file: rules.yaml, postgres: "
        + "{url: \"jdbc:postgresql://h/db\"}}\n").pipeline().storeName()).isEqualTo("postgres");
  }
}
