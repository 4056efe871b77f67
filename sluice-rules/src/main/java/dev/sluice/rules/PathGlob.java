package dev.sluice.rules;

/**
 * A path pattern: {@code *} matches any characters within one segment (no {@code /}),
 * {@code **} matches any characters including {@code /}, {@code ?} one character other than
 * {@code /}; everything else matches itself. {@code /api/**} matches {@code /api/x/y} and
 * {@code /api/}; {@code /api/*} matches {@code /api/x} but not {@code /api/x/y}.
 *
 * <p>Matching is iterative with backtracking over the last star (no regular expressions, no
 * recursion), so a hostile path costs at most O(pattern x path).
 */
public final class PathGlob {
  private final String pattern;

  private PathGlob(String pattern) {
    this.pattern = pattern;
  }

  /** A glob of {@code pattern}. */
  public static PathGlob of(String pattern) {
    return new PathGlob(pattern);
  }

  /** Whether the whole {@code path} matches. */
  public boolean matches(String path) {
    return match(pattern, 0, path, 0);
  }

  private static boolean match(String p, int pi, String s, int si) {
    // Two backtracking points: the last '*' (may only absorb non-'/' characters) and the last
    // '**' (absorbs anything). When the '*' cannot absorb, the '**' before it takes one more
    // character and matching resumes after it, which is all a '**' can ever need.
    int starP = -1;
    int starS = -1;
    int dblP = -1;
    int dblS = -1;
    while (si < s.length()) {
      if (pi < p.length()) {
        char pc = p.charAt(pi);
        if (pc == '*') {
          if (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
            dblP = pi + 2;
            dblS = si;
            starP = -1;
            pi = dblP;
          } else {
            starP = pi + 1;
            starS = si;
            pi = starP;
          }
          continue;
        }
        char sc = s.charAt(si);
        if (pc == '?' ? sc != '/' : pc == sc) {
          pi++;
          si++;
          continue;
        }
      }
      if (starP >= 0 && s.charAt(starS) != '/') {
        starS++;
        si = starS;
        pi = starP;
        continue;
      }
      if (dblP >= 0) {
        starP = -1;
        dblS++;
        si = dblS;
        pi = dblP;
        continue;
      }
      return false;
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  @Override
  public String toString() {
    return pattern;
  }
}
