package dev.sluice.redis;

import dev.sluice.Algorithm;
import dev.sluice.redis.link.Script;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Redis engine's scripts, each assembled once from its {@code .lua} resources: the exact-arithmetic helpers, one file
 * per algorithm, the steps shared by every driver ({@code 80_rule.lua}), and one driver: the
 * check of one rule ({@link #CHECK}), the multi-key check ({@link #CHECK_ALL}) or its refund
 * ({@link #REFUND}). Each is a {@link Script}, run with EVALSHA and an EVAL fallback.
 *
 * <p>The check of one rule is built per rule shape ({@link #check(List)}): the fast path of
 * {@code 95_check.lua} with each limit's {@code 6x_fast_*.lua} sections unrolled in order, and
 * after it the library and {@code 90_check.lua}, which decide the calls the fast path leaves
 * (docs/redis.md, "Performance"). Rules of more than {@link #MAX_FAST_LIMITS} limits, or with a
 * sliding log, use the library alone ({@link #CHECK}).
 *
 * <p>A rule's parameters can also be compiled into its check ({@link #compiled(List, String[])}):
 * the same script with every {@code tonumber(ARGV[...])} of the fast path replaced by the rule's
 * constant, and the library given the rule's part of ARGV as a table of constants, so that a call
 * sends only t, cost and pad (three arguments instead of four and three or four per limit) and the
 * script converts only those. At most {@link #MAX_COMPILED} rules are compiled per process (each
 * is a script of its own in the server's script cache, about 30 KB); later ones run their shape's
 * script with the parameters in ARGV.
 */
final class CheckScripts {
  // before the scripts below, which are built from sections at class initialisation
  private static final Map<List<Algorithm>, Script> CHECKS = new ConcurrentHashMap<>();
  private static final Map<String, Map<String, String>> SECTIONS = new ConcurrentHashMap<>();
  private static final Map<List<String>, Script> COMPILED = new ConcurrentHashMap<>();
  private static final Pattern PARAMETER = Pattern.compile("tonumber\\(ARGV\\[@ \\+ (\\d)\\]\\)");

  /**
   * Most rules compiled into scripts of their own per process: bounds the server's script cache
   * (about 30 KB a script) whatever the number of rules, rule edits or regional allocations.
   */
  static final int MAX_COMPILED = 128;

  static final String[] LIBRARY = {
    "00_arith.lua", "10_fixed_window.lua", "20_sliding_window_log.lua",
    "30_sliding_window_counter.lua", "40_token_bucket.lua", "50_gcra.lua", "80_rule.lua",
  };

  /** Most limits a rule may have for the unrolled fast path (Lua allows 200 locals). */
  static final int MAX_FAST_LIMITS = 8;

  /** One request against one rule on one key, by the library alone (any shape). */
  static final Script CHECK = Script.of("check",
      section("95_check.lua", "time") + read(LIBRARY) + read("90_check.lua"));
  /** Several requests on keys of one node (one slot), all or nothing. */
  static final Script CHECK_ALL = load("91_check_all.lua");
  /** Gives back a multi-key reservation. */
  static final Script REFUND = load("92_refund.lua");

  private CheckScripts() {}

  private static Script load(String driver) {
    return Script.of(driver, read(LIBRARY) + read(driver));
  }

  /**
   * The check script of a rule whose limits have these algorithms, in order: built once per
   * shape, then shared.
   */
  static Script check(List<Algorithm> shape) {
    if (!hasFastPath(shape)) {
      return CHECK;
    }
    return CHECKS.computeIfAbsent(List.copyOf(shape), s -> buildCheck(s, null));
  }

  private static boolean hasFastPath(List<Algorithm> shape) {
    return shape.size() <= MAX_FAST_LIMITS && !shape.contains(Algorithm.SLIDING_WINDOW_LOG);
  }

  /**
   * The check script of one rule with its parameters compiled in, or null when its shape has no
   * fast path or {@link #MAX_COMPILED} other rules were compiled already (the caller then runs
   * {@link #check(List)} with the parameters in ARGV).
   *
   * @param shape the rule's algorithms, in order
   * @param limitArgs the rule's part of ARGV as {@link RuleScript#limitArgs()} gives it: k, then
   *     per limit its code and parameters
   */
  static Script compiled(List<Algorithm> shape, String[] limitArgs) {
    return compiled(shape, limitArgs, MAX_COMPILED);
  }

  /** As {@link #compiled(List, String[])} with a bound of {@code max} compiled rules (tests). */
  static Script compiled(List<Algorithm> shape, String[] limitArgs, int max) {
    if (!hasFastPath(shape)) {
      return null;
    }
    for (String a : limitArgs) {
      // they become Lua literals and quoted strings in the script's text
      if (a.isEmpty() || !a.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("rule parameter '" + a + "' is not a number");
      }
    }
    // the limit arguments hold every limit's algorithm code: they name the rule's script alone
    List<String> id = List.of(limitArgs);
    Script known = COMPILED.get(id);
    if (known != null) {
      return known;
    }
    synchronized (COMPILED) {
      if (COMPILED.size() >= max && !COMPILED.containsKey(id)) {
        return null;
      }
      return COMPILED.computeIfAbsent(id, i -> buildCheck(shape, limitArgs));
    }
  }

  /** How many rules this process has compiled into scripts of their own. */
  static int compiledCount() {
    return COMPILED.size();
  }

  /**
   * The fast path and the library for {@code shape}; with {@code limitArgs}, the fast path reads
   * the parameters as constants and the library reads them from a local ARGV of constants.
   */
  private static Script buildCheck(List<Algorithm> shape, String[] limitArgs) {
    String glue = "95_check.lua";
    StringBuilder sb = new StringBuilder();
    sb.append(section(glue, "time")).append(section(glue, "head"));
    int arg = 5;
    int[] at = new int[shape.size()];
    for (int i = 0; i < shape.size(); i++) {
      at[i] = arg;
      String evaluate = section(fast(shape.get(i)), "evaluate");
      if (limitArgs != null) {
        evaluate = constants(evaluate, arg, limitArgs);
      }
      sb.append(unrolled(evaluate, i + 1, arg));
      arg += shape.get(i) == Algorithm.TOKEN_BUCKET || shape.get(i) == Algorithm.GCRA ? 4 : 3;
    }
    for (int i = 0; i < shape.size(); i++) {
      sb.append(unrolled(section(glue, i == 0 ? "admit_first" : "admit_next"), i + 1, at[i]));
    }
    sb.append(section(glue, "commit_begin"));
    for (int i = 0; i < shape.size(); i++) {
      String body = section(fast(shape.get(i)), "commit");
      sb.append(unrolled(section(glue, "commit").replace("--@body\n", body), i + 1, at[i]));
    }
    for (int i = 0; i < shape.size(); i++) {
      sb.append(unrolled(section(glue, i == 0 ? "pick_first" : "pick_next"), i + 1, at[i]));
    }
    sb.append(section(glue, "allowed_reply"));
    for (int i = 0; i < shape.size(); i++) {
      String body = section(fast(shape.get(i)), "denied");
      sb.append(unrolled(section(glue, "denied").replace("--@body\n", body), i + 1, at[i]));
    }
    sb.append(section(glue, "denied_reply"));
    if (limitArgs != null) {
      // The library reads the rule from ARGV[4] on: give it the compiled rule's as a local.
      sb.append("local ARGV = { ARGV[1], ARGV[2], ARGV[3]");
      for (String a : limitArgs) {
        sb.append(", '").append(a).append('\'');
      }
      sb.append(" }\n");
    }
    sb.append(read(LIBRARY)).append(read("90_check.lua"));
    return Script.of(limitArgs == null ? "check " + shape : "rule " + List.of(limitArgs),
        sb.toString());
  }

  /**
   * A fast-path section with {@code tonumber(ARGV[@ + j])} replaced by the parameter it reads (a
   * Lua number literal is converted as {@code tonumber} converts the string: the same double).
   */
  private static String constants(String section, int arg, String[] limitArgs) {
    Matcher m = PARAMETER.matcher(section);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      // ARGV index arg + j holds limitArgs[arg + j - 4] (ARGV[4] is limitArgs[0], k)
      m.appendReplacement(out, limitArgs[arg + Integer.parseInt(m.group(1)) - 4]);
    }
    m.appendTail(out);
    if (out.indexOf("ARGV") >= 0) {
      throw new IllegalStateException("a fast-path section reads ARGV in a form the compiler does"
          + " not replace: " + section);
    }
    return out.toString();
  }

  private static String fast(Algorithm a) {
    return switch (a) {
      case FIXED_WINDOW -> "61_fast_fixed_window.lua";
      case SLIDING_WINDOW_COUNTER -> "63_fast_sliding_window_counter.lua";
      case TOKEN_BUCKET -> "64_fast_token_bucket.lua";
      case GCRA -> "65_fast_gcra.lua";
      case SLIDING_WINDOW_LOG -> throw new IllegalArgumentException("no fast path for " + a);
    };
  }

  /** A section for limit {@code index}: {@code $} is the index, {@code @} its code's ARGV. */
  private static String unrolled(String section, int index, int arg) {
    return section.replace("$", Integer.toString(index)).replace("@", Integer.toString(arg));
  }

  /** The lines after {@code --@name} up to the next section mark in a resource. */
  static String section(String resource, String name) {
    Map<String, String> sections = SECTIONS.computeIfAbsent(resource, r -> {
      Map<String, String> m = new HashMap<>();
      String current = null;
      StringBuilder sb = new StringBuilder();
      for (String line : read(r).split("\n", -1)) {
        if (line.startsWith("--@") && !line.equals("--@body")) {
          if (current != null) {
            m.put(current, sb.toString());
          }
          current = line.substring(3).trim();
          sb.setLength(0);
        } else if (current != null) {
          sb.append(line).append('\n');
        }
      }
      if (current != null) {
        m.put(current, sb.toString().stripTrailing() + "\n");
      }
      return m;
    });
    String s = sections.get(name);
    if (s == null) {
      throw new IllegalStateException("script resource " + resource + " has no section " + name);
    }
    return s;
  }

  /** The resources {@code parts}, one after the other, each followed by a newline. */
  private static String read(String... parts) {
    return Script.read(CheckScripts.class::getResourceAsStream, parts);
  }
}
