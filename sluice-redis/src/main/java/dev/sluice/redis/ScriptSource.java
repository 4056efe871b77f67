package dev.sluice.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A script assembled once from its {@code .lua} resources: the exact-arithmetic helpers, one file
 * per algorithm, the steps shared by every driver ({@code 80_rule.lua}), and one driver: the
 * check of one rule ({@link #CHECK}), the multi-key check ({@link #CHECK_ALL}) or its refund
 * ({@link #REFUND}). Run with EVALSHA of {@link #sha1()}, falling back to EVAL of {@link #text()}
 * when the server answers NOSCRIPT (after a restart or a failover, or SCRIPT FLUSH).
 */
final class ScriptSource {
  static final String[] LIBRARY = {
    "00_arith.lua", "10_fixed_window.lua", "20_sliding_window_log.lua",
    "30_sliding_window_counter.lua", "40_token_bucket.lua", "50_gcra.lua", "80_rule.lua",
  };

  /** One request against one rule on one key. */
  static final ScriptSource CHECK = load("90_check.lua");
  /** Several requests on keys of one node (one slot), all or nothing. */
  static final ScriptSource CHECK_ALL = load("91_check_all.lua");
  /** Gives back a multi-key reservation. */
  static final ScriptSource REFUND = load("92_refund.lua");

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

  private static ScriptSource load(String driver) {
    StringBuilder sb = new StringBuilder();
    String[] parts = java.util.Arrays.copyOf(LIBRARY, LIBRARY.length + 1);
    parts[LIBRARY.length] = driver;
    for (String part : parts) {
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
