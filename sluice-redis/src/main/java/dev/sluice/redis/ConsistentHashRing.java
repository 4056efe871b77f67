package dev.sluice.redis;

import dev.sluice.spi.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A consistent-hash ring: each node owns {@code weight * pointsPerWeight} points (virtual nodes)
 * on a 64-bit ring, placed by hashing {@code name#i}; a key belongs to the node owning the first
 * point at or after the key's hash (wrapping). Adding or removing a node only moves the keys of
 * the arcs it gains or loses: about {@code 1/N} of them.
 *
 * <p>Immutable and thread-safe; lookups are a binary search over a sorted {@code long[]}.
 *
 * @param <T> the node type
 */
public final class ConsistentHashRing<T> {
  /** Virtual nodes per unit of weight by default. */
  public static final int DEFAULT_POINTS_PER_WEIGHT = 160;

  private final long[] points;
  private final int[] owners;
  private final List<T> nodes;

  /**
   * Builds the ring.
   *
   * @param nodes the nodes
   * @param names each node's stable name (the ring is a function of names and weights only)
   * @param weights each node's weight, {@code >= 1}
   * @param pointsPerWeight virtual nodes per unit of weight, {@code >= 1}
   */
  public ConsistentHashRing(List<T> nodes, List<String> names, int[] weights,
      int pointsPerWeight) {
    if (nodes.isEmpty() || nodes.size() != names.size() || names.size() != weights.length) {
      throw new IllegalArgumentException("ring needs one name and weight per node, at least one");
    }
    int total = 0;
    for (int w : weights) {
      if (w < 1) {
        throw new IllegalArgumentException("ring weight " + w + " must be >= 1");
      }
      total += w * pointsPerWeight;
    }
    long[] keyed = new long[total];
    int[] own = new int[total];
    int p = 0;
    for (int i = 0; i < nodes.size(); i++) {
      for (int j = 0; j < weights[i] * pointsPerWeight; j++) {
        keyed[p] = hash(names.get(i) + "#" + j);
        own[p] = i;
        p++;
      }
    }
    Integer[] order = new Integer[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compareUnsigned(keyed[a], keyed[b]));
    this.points = new long[total];
    this.owners = new int[total];
    for (int i = 0; i < total; i++) {
      points[i] = keyed[order[i]];
      owners[i] = own[order[i]];
    }
    this.nodes = List.copyOf(nodes);
  }

  /** The node owning {@code key}. */
  public T nodeFor(CharSequence key) {
    return nodes.get(owners[indexFor(hash(key))]);
  }

  private int indexFor(long h) {
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(points[mid], h) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }

  /** The nodes, in the order given. */
  public List<T> nodes() {
    return nodes;
  }

  /** 64-bit FNV-1a over UTF-8, finished with MurmurHash3's fmix64 to spread the bits. */
  static long hash(CharSequence s) {
    return Hashing.fmix64(Hashing.fnv1a64(s.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
