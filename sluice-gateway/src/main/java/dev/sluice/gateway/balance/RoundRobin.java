package dev.sluice.gateway.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Each usable host in turn; weights are ignored. */
final class RoundRobin implements Balancer {
  private final AtomicLong next = new AtomicLong();

  @Override
  public UpstreamHost pick(List<UpstreamHost> usable, String hashKey) {
    Checks.nonEmpty(usable);
    return usable.get((int) Math.floorMod(next.getAndIncrement(), (long) usable.size()));
  }
}
