package dev.sluice.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The check script, assembled once from its {@code .lua} resources: the exact-arithmetic helpers,
 * one file per algorithm, and the driver that decides a rule. Run with EVALSHA of {@link #sha1()},
 * falling back to EVAL of {@link #text()} when the server answers NOSCRIPT (after a restart or a
 * failover, or SCRIPT FLUSH).
 */
final class ScriptSource {
  static final String[] PARTS = {
    "00_arith.lua", "10_fixed_window.lua", "20_sliding_window_log.lua",
    "30_sliding_window_counter.lua", "40_token_bucket.lua", "50_gcra.lua", "90_check.lua",
  };

  static final ScriptSource CHECK = load();

  private final String text;
  private final String sha1;

  private ScriptSource(String text) {
    this.text = text;
    try {
      this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JDK", e);
    }
  }

  private static ScriptSource load() {
    StringBuilder sb = new StringBuilder();
    for (String part : PARTS) {
      try (InputStream in = ScriptSource.class.getResourceAsStream("lua/" + part)) {
        if (in == null) {
          throw new IllegalStateException("missing script resource dev/sluice/redis/lua/" + part);
        }
        sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read script resource " + part, e);
      }
    }
    return new ScriptSource(sb.toString());
  }

  String text() {
    return text;
  }

  String sha1() {
    return sha1;
  }
}
