package dev.sluice.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The byte writer of check answers against Jackson, the model: every string and number it writes
 * parses back, with Jackson, to the value written, and the bytes are valid UTF-8 (seeded random
 * strings over ASCII, quotes, backslashes, control characters, Latin-1, BMP and surrogate pairs;
 * numbers over the whole long range).
 */
class JsonOutTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] PIECES = {
      "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u0000", "\u001f", "\u007f", "é",
      "\u00ff", "\u20ac", "\uffff", "😀", "日本", "user:42", "key:sha256:ab"};

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 20261202})
  void stringsAndNumbers_parseBackToWhatWasWritten(long seed) throws Exception {
    System.out.println("JsonOutTest seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int round = 0; round < 500; round++) {
      StringBuilder sb = new StringBuilder();
      for (int i = rnd.nextInt(12); i > 0; i--) {
        sb.append(PIECES[rnd.nextInt(PIECES.length)]);
      }
      String s = sb.toString();
      long v = switch (rnd.nextInt(4)) {
        case 0 -> Long.MIN_VALUE + rnd.nextInt(3);
        case 1 -> Long.MAX_VALUE - rnd.nextInt(3);
        case 2 -> rnd.nextInt(-20, 20);
        default -> rnd.nextLong();
      };
      JsonOut out = new JsonOut(1 + rnd.nextInt(8));  // tiny: growth is exercised too
      out.ascii("{\"s\":").string(s).ascii(",\"v\":").num(v).ascii(",\"b\":").bool(v > 0)
          .ch('}');
      byte[] bytes = new byte[out.length()];
      out.toBuffer().getBytes(0, out.length(), bytes);
      JsonNode n = JSON.readTree(bytes);
      assertThat(n.get("s").textValue()).as("seed %d round %d", seed, round).isEqualTo(s);
      assertThat(n.get("v").longValue()).as("seed %d round %d", seed, round).isEqualTo(v);
      assertThat(n.get("b").booleanValue()).isEqualTo(v > 0);
      assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(out.toString());
      assertThat(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes))
          .toString()).isEqualTo(out.toString());
    }
  }
}
