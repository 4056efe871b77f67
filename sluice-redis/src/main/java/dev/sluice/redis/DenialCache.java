package dev.sluice.redis;

import dev.sluice.Decision;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The denials of one rule that can be answered in this process, without Redis, until they end.
 *
 * <p>Only denials of cost 1 are kept, and only requests of cost 1 are answered, at times from the
 * denial's time up to (excluding) its {@code allowedAt}. A denial of cost 1 means no request of
 * any cost can be admitted for that client and rule before {@code allowedAt} (all limits are
 * decided together and a denial consumes nothing), so the state in Redis is frozen until then and
 * the answer, with {@code remaining} 0, the same {@code resetAt} and limit, is exactly what Redis
 * would say. With explicit timestamps the cached answer is bit for bit Redis's while this process
 * is the only writer with timestamps that far ahead; see docs/redis.md, "Denial cache", for the
 * cases where it is not (other instances whose clocks run ahead; with server time, a
 * {@code retryAfter} up to one round trip shorter). An allowed decision for the key drops its
 * entry.
 *
 * <p>Thread-safe; bounded: past {@code maxEntries} the map is cleared (entries are only hints).
 */
final class DenialCache {
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final int maxEntries;
  private final LongSupplier nanoTicker;

  private record Entry(long deniedAt, long allowedAt, long sentNanos, boolean serverTime,
      Decision decision) {}

  DenialCache(int maxEntries, LongSupplier nanoTicker) {
    this.maxEntries = maxEntries;
    this.nanoTicker = nanoTicker;
  }

  /**
   * Remembers a denial of cost 1 decided at {@code t} (the script's time).
   *
   * @param sentNanos the ticker when the request was sent (server time is at least this old)
   */
  void remember(String key, long t, Decision d, long sentNanos, boolean serverTime) {
    if (d.retryAfterMicros() <= 0 || d.retryAfterMicros() == Decision.NEVER) {
      return;
    }
    if (entries.size() >= maxEntries) {
      entries.clear();
    }
    entries.put(key, new Entry(t, t + d.retryAfterMicros(), sentNanos, serverTime, d));
  }

  /**
   * The cached answer for a request of cost 1 at {@code t} ({@code -1}: at server time), or
   * null.
   */
  Decision lookup(String key, long t) {
    if (entries.isEmpty()) {
      return null;
    }
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    long now;
    if (t < 0) {
      if (!e.serverTime) {
        return null;
      }
      // The server decided after we sent, so its clock now reads at least this much.
      now = e.deniedAt + (nanoTicker.getAsLong() - e.sentNanos) / 1_000;
    } else {
      if (e.serverTime) {
        return null;
      }
      now = t;
    }
    if (now < e.deniedAt) {
      return null;
    }
    if (now >= e.allowedAt) {
      entries.remove(key, e);
      return null;
    }
    Decision d = e.decision;
    return new Decision(false, d.limit(), d.remaining(), d.resetAtMicros(), e.allowedAt - now,
        d.limitIndex(), false);
  }

  void forget(String key) {
    if (!entries.isEmpty()) {
      entries.remove(key);
    }
  }

  int size() {
    return entries.size();
  }
}
