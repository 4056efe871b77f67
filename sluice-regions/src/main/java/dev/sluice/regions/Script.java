package dev.sluice.regions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script loaded once from its {@code .lua} resource; run with EVALSHA of {@link #sha1()},
 * falling back to EVAL of {@link #text()} when the server answers NOSCRIPT.
 */
record Script(String name, String text, String sha1) {
  static final Script EXCHANGE = load("exchange.lua");

  private static Script load(String name) {
    try (InputStream in = Script.class.getResourceAsStream("lua/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource dev/sluice/regions/lua/" + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
      return new Script(name, text, sha1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read script resource " + name, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JDK", e);
    }
  }
}
