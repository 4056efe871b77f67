package dev.sluice.lab;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --name value} arguments of the lab's programs; a bad one exits 2 naming it. */
final class Args {
  private Args() {}

  static Map<String, String> parse(String[] args, List<String> known) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || !known.contains(name.substring(2))) {
        fail("unknown argument '" + name + "' (known: --" + String.join(", --", known) + ")");
      }
      if (i + 1 >= args.length) {
        fail(name + ": a value is required");
      }
      out.put(name.substring(2), args[++i]);
    }
    return out;
  }

  static String required(Map<String, String> a, String name) {
    String v = a.get(name);
    if (v == null || v.isBlank()) {
      fail("--" + name + ": is required");
    }
    return v;
  }

  static long positive(Map<String, String> a, String name, long dflt) {
    String v = a.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    fail("--" + name + ": '" + v + "' must be a positive integer");
    return 0;
  }

  static void fail(String message) {
    System.err.println("sluice-lab: " + message);
    System.exit(2);
  }
}
