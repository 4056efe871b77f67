package dev.sluice.gateway.balance;

import java.util.Arrays;
import java.util.Locale;

/** The load-balancing algorithms, by their configuration name ({@code lb:}). */
public enum BalancerKind {
  /** Each usable host in turn. */
  ROUND_ROBIN,
  /** Smooth weighted round-robin, as nginx: weight shares, interleaved. */
  WEIGHTED_ROUND_ROBIN,
  /** The host with the fewest requests in flight. */
  LEAST_CONNECTIONS,
  /** The host with the least {@code (in-flight + 1) / weight}. */
  WEIGHTED_LEAST_CONNECTIONS,
  /** The host with the least {@code EWMA latency × (in-flight + 1)}. */
  LEAST_RESPONSE_TIME,
  /** A hash of the client address over the host list. */
  IP_HASH,
  /** A ring with virtual nodes keyed by the client address, a header or a cookie. */
  CONSISTENT_HASH,
  /** Two random hosts; the one with fewer requests in flight (least request). */
  POWER_OF_TWO_CHOICES;

  /** The configuration name, e.g. {@code weighted-round-robin}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The kind called {@code name}.
   *
   * @throws IllegalArgumentException naming the value and the known names
   */
  public static BalancerKind of(String name) {
    for (BalancerKind k : values()) {
      if (k.configName().equals(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not a balancer; known: "
        + Arrays.stream(values()).map(BalancerKind::configName).toList());
  }

  /** Whether it uses a hash key ({@code hash-on}). */
  public boolean hashes() {
    return this == IP_HASH || this == CONSISTENT_HASH;
  }
}
