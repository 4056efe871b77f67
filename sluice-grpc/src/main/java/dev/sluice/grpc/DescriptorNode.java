package dev.sluice.grpc;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One entry of a domain's descriptor tree, as ERL loads it: children are found by their
 * composite key ({@code key} or {@code key_value}); children whose value holds a {@code *} are
 * also kept, in file order, as wildcards.
 *
 * <p>Immutable once built.
 *
 * @param key the descriptor key
 * @param value the configured value, or null when the entry matches any value
 * @param statsKey ERL's stats key: the domain and the composite keys of the path, dot-separated
 * @param limit the limit, or null for a placeholder entry
 * @param shadowMode ERL's {@code shadow_mode}: counted, but always answered OK
 * @param detailedMetric ERL's {@code detailed_metric}: metrics carry the request's values
 * @param valueToMetric ERL's {@code value_to_metric}: metrics carry the values of this level
 * @param shareThreshold ERL's {@code share_threshold}: all values matching this wildcard share
 *     one counter
 * @param wildcard the compiled value pattern, or null when the value has no {@code *}
 * @param children the nested entries by composite key
 * @param wildcards the nested entries with a wildcard value, in file order
 */
record DescriptorNode(String key, String value, String statsKey, LimitSpec limit,
    boolean shadowMode, boolean detailedMetric, boolean valueToMetric, boolean shareThreshold,
    Pattern wildcard, Map<String, DescriptorNode> children, List<DescriptorNode> wildcards) {

  /** The composite key ERL files this entry under: {@code key}, or {@code key_value}. */
  String compositeKey() {
    return value == null ? key : key + "_" + value;
  }

  /**
   * Compiles an ERL wildcard: {@code *} matches any run of characters (also none), anywhere in
   * the value; everything else matches itself. A value ending in {@code *} is ERL's prefix match.
   */
  static Pattern compileWildcard(String compositeKey) {
    StringBuilder regex = new StringBuilder();
    int from = 0;
    for (int star = compositeKey.indexOf('*'); star >= 0;
        star = compositeKey.indexOf('*', from)) {
      regex.append(Pattern.quote(compositeKey.substring(from, star))).append(".*");
      from = star + 1;
    }
    regex.append(Pattern.quote(compositeKey.substring(from)));
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
