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
  private static final long[] POW10 = new long[19];
  private static final byte[] TENS = new byte[100];
  private static final byte[] ONES = new byte[100];

  static {
    long p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
    for (int i = 0; i < 100; i++) {
      TENS[i] = (byte) ('0' + i / 10);
      ONES[i] = (byte) ('0' + i % 10);
    }
  }

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
    while (digits < 19 && v >= POW10[digits]) {
      digits++;
    }
    int i = n + digits;
    n = i;
    // Two digits per step from the right; int arithmetic once the rest fits.
    while (v > Integer.MAX_VALUE) {
      long q = v / 100;
      int r = (int) (v - q * 100);
      v = q;
      b[--i] = ONES[r];
      b[--i] = TENS[r];
    }
    int x = (int) v;
    while (x >= 100) {
      int q = x / 100;
      int r = x - q * 100;
      x = q;
      b[--i] = ONES[r];
      b[--i] = TENS[r];
    }
    b[--i] = ONES[x];
    if (x >= 10) {
      b[--i] = TENS[x];
    }
    return this;
  }

  /** A JSON string: quoted, with {@code "}, {@code \\} and control characters escaped. */
  JsonOut string(String s) {
    int len = s.length();
    room(len + 2);  // enough for ASCII; every escape reserves what it adds
    b[n++] = '"';
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        b[n++] = (byte) c;
      } else if (c == '"' || c == '\\') {
        room(2 + len - i);
        b[n++] = '\\';
        b[n++] = (byte) c;
      } else if (c < 0x20) {
        room(6 + len - i);
        b[n++] = '\\';
        b[n++] = 'u';
        b[n++] = '0';
        b[n++] = '0';
        b[n++] = HEX[c >> 4];
        b[n++] = HEX[c & 0xf];
      } else {
        // Non-ASCII: encode the run up to the next escape as UTF-8 (surrogate pairs kept whole).
        int to = i;
        while (to < len && s.charAt(to) != '"' && s.charAt(to) != '\\' && s.charAt(to) >= 0x20) {
          to++;
        }
        byte[] utf8 = s.substring(i, to).getBytes(StandardCharsets.UTF_8);
        room(utf8.length + len - to + 1);
        System.arraycopy(utf8, 0, b, n, utf8.length);
        n += utf8.length;
        i = to - 1;
      }
    }
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
