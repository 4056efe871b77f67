package dev.sluice.server.http;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON response body written straight as UTF-8 bytes: the check answers' writer. Against a
 * {@code StringBuilder} that {@code end(String)} encodes afterwards, it skips the string, its
 * encoding and the buffer copy (a 1,000-check batch answer is about 110 KB), and writes numbers
 * without building their strings.
 *
 * <p>The caller writes well-formed JSON: {@link #ascii} takes literal JSON text (names,
 * punctuation) that must be ASCII; {@link #string} quotes and escapes any string. Not
 * thread-safe; one per response.
 */
final class JsonOut {
  private static final byte[] DIGITS_MIN = Long.toString(Long.MIN_VALUE)
      .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private byte[] b;
  private int n;

  JsonOut(int expectedBytes) {
    b = new byte[Math.max(16, expectedBytes)];
  }

  private void room(int more) {
    if (n + more > b.length) {
      b = Arrays.copyOf(b, Math.max(b.length * 2, n + more));
    }
  }

  /** Literal JSON text; every char must be ASCII (it is written as one byte). */
  JsonOut ascii(String s) {
    int len = s.length();
    room(len);
    for (int i = 0; i < len; i++) {
      b[n++] = (byte) s.charAt(i);
    }
    return this;
  }

  JsonOut ch(char c) {
    room(1);
    b[n++] = (byte) c;
    return this;
  }

  JsonOut bool(boolean v) {
    return ascii(v ? "true" : "false");
  }

  /** A JSON number. */
  JsonOut num(long v) {
    if (v == Long.MIN_VALUE) {
      room(DIGITS_MIN.length);
      System.arraycopy(DIGITS_MIN, 0, b, n, DIGITS_MIN.length);
      n += DIGITS_MIN.length;
      return this;
    }
    room(20);
    if (v < 0) {
      b[n++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long x = v; x >= 10; x /= 10) {
      digits++;
    }
    int end = n + digits;
    for (int i = end - 1; i >= n; i--) {
      b[i] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    }
    n = end;
    return this;
  }

  /** A JSON string: quoted, with {@code "}, {@code \} and control characters escaped. */
  JsonOut string(String s) {
    int len = s.length();
    room(len + 2);
    b[n++] = '"';
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        room(1);
        b[n++] = (byte) c;
      } else if (c == '"' || c == '\\') {
        room(2);
        b[n++] = '\\';
        b[n++] = (byte) c;
      } else if (c < 0x20) {
        room(6);
        b[n++] = '\\';
        b[n++] = 'u';
        b[n++] = '0';
        b[n++] = '0';
        b[n++] = HEX[c >> 4];
        b[n++] = HEX[c & 0xf];
      } else {
        // Non-ASCII: encode the rest as UTF-8 (surrogate pairs included) in one go.
        int from = i;
        int to = from;
        while (to < len && s.charAt(to) != '"' && s.charAt(to) != '\\' && s.charAt(to) >= 0x20) {
          to++;
        }
        byte[] utf8 = s.substring(from, to).getBytes(StandardCharsets.UTF_8);
        room(utf8.length);
        System.arraycopy(utf8, 0, b, n, utf8.length);
        n += utf8.length;
        i = to - 1;
      }
    }
    room(1);
    b[n++] = '"';
    return this;
  }

  /** Raw UTF-8 bytes of complete JSON (e.g. a problem body built elsewhere). */
  JsonOut json(String complete) {
    byte[] utf8 = complete.getBytes(StandardCharsets.UTF_8);
    room(utf8.length);
    System.arraycopy(utf8, 0, b, n, utf8.length);
    n += utf8.length;
    return this;
  }

  int length() {
    return n;
  }

  /** The body, wrapping the bytes written (no copy). */
  Buffer toBuffer() {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(b, 0, n));
  }

  @Override
  public String toString() {
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }
}
