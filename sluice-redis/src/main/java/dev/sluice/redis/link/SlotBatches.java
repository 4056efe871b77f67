package dev.sluice.redis.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Items of one round grouped into script calls: each batch holds items whose keys share a hash
 * slot (on a Cluster a script may only touch one slot; elsewhere every key is in slot 0), and at
 * most a given number of them, so that no call keeps Redis busy for long. Not thread-safe: one
 * round fills it.
 *
 * @param <T> what one item of a call is
 */
public final class SlotBatches<T> {
  private final RedisLink link;
  private final int max;
  private final Map<Integer, List<T>> open = new HashMap<>();
  private final List<List<T>> batches = new ArrayList<>();

  /**
   * @param max the most items in one batch, at least 1
   */
  public SlotBatches(RedisLink link, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("batch size " + max + " must be >= 1");
    }
    this.link = link;
    this.max = max;
  }

  /** Adds {@code item}, whose keys are in the slot of {@code key}, to that slot's open batch. */
  public void add(String key, T item) {
    int slot = link.slot(key);
    List<T> batch = open.get(slot);
    if (batch == null || batch.size() >= max) {
      batch = new ArrayList<>();
      open.put(slot, batch);
      batches.add(batch);
    }
    batch.add(item);
  }

  /** The batches, in the order they were opened. */
  public List<List<T>> batches() {
    return batches;
  }
}
