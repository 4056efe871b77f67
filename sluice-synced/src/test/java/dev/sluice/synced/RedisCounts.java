package dev.sluice.synced;

import dev.sluice.testkit.RedisProcess;
import java.util.List;

/** Reads what Redis holds for one window of one client: the sum of the instances' counts. */
final class RedisCounts {
  private RedisCounts() {}

  static long total(RedisProcess redis, String hash) {
    List<?> flat = (List<?>) redis.call("HGETALL", hash);
    long sum = 0;
    for (int i = 0; i < flat.size(); i += 2) {
      String field = flat.get(i).toString();
      if (!field.startsWith("d:")) {
        sum += Long.parseLong(flat.get(i + 1).toString());
      }
    }
    return sum;
  }
}
