package dev.sluice.rules.identity;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses IP literals without ever resolving a host name. */
public final class IpAddresses {
  private IpAddresses() {}

  /** The address of an IPv4 or IPv6 literal, or null when {@code s} is not one. */
  static InetAddress parse(String s) {
    if (s == null) {
      return null;
    }
    String t = s.trim();
    if (t.startsWith("[") && t.contains("]")) {
      t = t.substring(1, t.indexOf(']'));
    }
    if (t.isEmpty() || t.length() > 45) {
      return null;
    }
    boolean colon = false;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == ':') {
        colon = true;
      } else if (!(c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
          || c >= 'A' && c <= 'F' || c == '%')) {
        return null;
      }
    }
    if (!colon) {
      // Only dotted-quad IPv4; hex letters without a colon could be taken for a host name.
      String[] parts = t.split("\\.", -1);
      if (parts.length != 4) {
        return null;
      }
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(
            Character::isDigit)) {
          return null;
        }
        int v = Integer.parseInt(parts[i]);
        if (v > 255) {
          return null;
        }
        b[i] = (byte) v;
      }
      try {
        return InetAddress.getByAddress(b);
      } catch (UnknownHostException e) {
        return null;
      }
    }
    try {
      return InetAddress.getByName(t); // a literal with ':' is never looked up
    } catch (UnknownHostException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The canonical text of an IPv4 or IPv6 literal ({@code [::1]} and {@code 0:0:0:0:0:0:0:1} both
   * give {@code 0:0:0:0:0:0:0:1}), or null when {@code s} is not one; never resolves a name.
   */
  public static String canonical(String s) {
    InetAddress a = parse(s);
    return a == null ? null : text(a);
  }

  /** The canonical text of an address (IPv4-mapped IPv6 shown as IPv4). */
  static String text(InetAddress a) {
    return a.getHostAddress();
  }
}
