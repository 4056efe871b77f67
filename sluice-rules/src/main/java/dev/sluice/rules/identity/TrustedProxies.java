package dev.sluice.rules.identity;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses whose forwarding headers ({@code X-Forwarded-For}, {@code Forwarded}) are
 * believed: a list of CIDR blocks ({@code 10.0.0.0/8}, {@code ::1/128}) or single addresses.
 * Immutable and thread-safe.
 */
public final class TrustedProxies {
  private final List<byte[]> networks;
  private final int[] prefixes;

  private TrustedProxies(List<byte[]> networks, List<Integer> prefixes) {
    this.networks = networks;
    this.prefixes = prefixes.stream().mapToInt(Integer::intValue).toArray();
  }

  /** No proxy is trusted: the client IP is always the socket's. */
  public static TrustedProxies none() {
    return new TrustedProxies(List.of(), List.of());
  }

  /**
   * Parses CIDR blocks.
   *
   * @throws IllegalArgumentException naming the first entry that is no address or block
   */
  public static TrustedProxies parse(List<String> cidrs) {
    List<byte[]> nets = new ArrayList<>();
    List<Integer> prefixes = new ArrayList<>();
    for (String c : cidrs) {
      String s = c == null ? "" : c.trim();
      int slash = s.indexOf('/');
      InetAddress a = IpAddresses.parse(slash < 0 ? s : s.substring(0, slash));
      if (a == null) {
        throw new IllegalArgumentException("'" + c + "' is not an IP address or CIDR block");
      }
      int bits = a.getAddress().length * 8;
      int prefix = bits;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
          throw new IllegalArgumentException("'" + c + "' has a prefix length outside [0, "
              + bits + "]");
        }
      }
      nets.add(a.getAddress());
      prefixes.add(prefix);
    }
    return new TrustedProxies(List.copyOf(nets), prefixes);
  }

  /** Whether {@code address} lies in one of the blocks. */
  public boolean contains(InetAddress address) {
    if (address == null) {
      return false;
    }
    byte[] b = address.getAddress();
    for (int i = 0; i < prefixes.length; i++) {
      byte[] n = networks.get(i);
      if (n.length == b.length && prefixMatches(n, b, prefixes[i])) {
        return true;
      }
    }
    return false;
  }

  /** Whether no proxy is trusted. */
  public boolean isEmpty() {
    return prefixes.length == 0;
  }

  private static boolean prefixMatches(byte[] n, byte[] b, int prefix) {
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (n[i] != b[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (n[full] & mask) == (b[full] & mask);
  }
}
