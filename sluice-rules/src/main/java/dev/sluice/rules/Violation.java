package dev.sluice.rules;

/**
 * One invalid field of a document.
 *
 * @param path where, as a JSON path ({@code $.rules[1].limits[0].window})
 * @param detail what is wrong with it, naming the bad value
 */
public record Violation(String path, String detail) {
  /** The same location as an RFC 6901 JSON pointer ({@code /rules/1/limits/0/window}). */
  public String pointer() {
    StringBuilder sb = new StringBuilder();
    String p = path.startsWith("$") ? path.substring(1) : path;
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        int j = i + 1;
        while (j < p.length() && p.charAt(j) != '.' && p.charAt(j) != '[') {
          j++;
        }
        sb.append('/').append(p, i + 1, j);
        i = j;
      } else if (c == '[') {
        int j = p.indexOf(']', i);
        sb.append('/').append(p, i + 1, j);
        i = j + 1;
      } else {
        i++;
      }
    }
    return sb.toString();
  }

  /** Every violation as {@code path: detail}, joined by {@code "; "}, for a log line. */
  public static String describe(java.util.List<Violation> vs) {
    StringBuilder sb = new StringBuilder();
    for (Violation v : vs) {
      if (!sb.isEmpty()) {
        sb.append("; ");
      }
      sb.append(v.path()).append(": ").append(v.detail());
    }
    return sb.toString();
  }
}
