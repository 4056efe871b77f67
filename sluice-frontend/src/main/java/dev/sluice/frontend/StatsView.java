package dev.sluice.frontend;

import dev.sluice.rules.Pipeline;
import dev.sluice.rules.RuleDefinition;
import dev.sluice.stats.TrafficStats;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * How every front end shows the per-rule traffic statistics: which ids have statistics, and how a
 * client appears in responses, the stats API and metric labels.
 *
 * <p>Stateless and thread-safe.
 */
public final class StatsView {
  /** The prefix of the ids the Envoy RLS records its descriptors under. */
  public static final String ENVOY_PREFIX = "envoy/";

  private StatsView() {}

  /**
   * The ids with statistics, in the order the API lists them: the rules in force, then the
   * Envoy RLS descriptors with decisions in the period ({@value #ENVOY_PREFIX}{@code <rule id>},
   * sorted). Forgets the statistics of rules no longer in force and of idle descriptors.
   */
  public static List<String> ids(Pipeline pipeline, TrafficStats stats) {
    List<String> ids = new ArrayList<>();
    for (RuleDefinition r : pipeline.book().ruleSet().rules()) {
      ids.add(r.id());
    }
    stats.rules().stream().filter(id -> id.startsWith(ENVOY_PREFIX) && !stats.idle(id))
        .sorted().forEach(ids::add);
    stats.retain(ids);
    return ids;
  }

  /**
   * A client key as responses show it: API keys are secrets, so {@code key:<key>} appears as a
   * digest ({@code key:sha256:<12 hex digits>}), never as the key; other keys as they are.
   */
  public static String displayKey(String key) {
    if (key.startsWith("key:")) {
      return "key:sha256:" + HexFormat.of().formatHex(sha256(key.substring(4)), 0, 6);
    }
    return key;
  }

  /** How a client appears in the stats: API keys as a digest, entries of Envoy keys spaced. */
  public static String displayClient(String client) {
    return displayKey(client).replace('\u001f', ' ');
  }

  /** The SHA-256 digest of the UTF-8 bytes of {@code s}. */
  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
