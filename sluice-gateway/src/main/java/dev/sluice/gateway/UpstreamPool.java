package dev.sluice.gateway;

import dev.sluice.gateway.GatewayConfig.HostSpec;
import dev.sluice.gateway.GatewayConfig.Panic;
import dev.sluice.gateway.GatewayConfig.Upstream;
import dev.sluice.gateway.balance.Balancer;
import dev.sluice.gateway.balance.UpstreamHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * An upstream in force: its hosts with their health, its balancer, retry budget and concurrency
 * limiter. Host selection is the one place that decides between healthy hosts, panic and
 * refusal.
 *
 * <p>Thread-safe.
 */
final class UpstreamPool {
  private final Upstream spec;
  private final List<HostState> hosts;
  private final Map<String, HostState> byAuthority = new LinkedHashMap<>();
  private final List<UpstreamHost> allHosts;
  private final Balancer balancer;
  private final RetryBudget retryBudget;
  private final AdaptiveLimiter limiter;
  private final LongSupplier clock;

  /** The result of a pick: the host, and whether it was chosen in panic. */
  record Pick(HostState host, boolean panic) {}

  /**
   * A pool for {@code spec}, reusing the state of hosts and the limiter of {@code previous}
   * where the address (and the adaptive settings) are unchanged.
   */
  UpstreamPool(Upstream spec, UpstreamPool previous, GatewayConfig.Tiers tiers,
      GatewayMetrics metrics, LongSupplier clock) {
    this.spec = spec;
    this.clock = clock;
    long now = clock.getAsLong();
    List<HostState> hs = new ArrayList<>();
    for (HostSpec h : spec.hosts()) {
      HostState old = previous == null ? null : previous.byAuthority.get(h.authority());
      HostState s = old != null && old.spec.weight() == h.weight()
          && previous.spec.slowStart().equals(spec.slowStart()) ? old
          : new HostState(h, new UpstreamHost(h.authority(), h.weight(),
              spec.slowStart().toNanos(), now), metrics.host(spec.name(), h.authority()));
      hs.add(s);
      byAuthority.put(h.authority(), s);
    }
    this.hosts = List.copyOf(hs);
    this.allHosts = hosts.stream().map(h -> h.host).toList();
    this.balancer = Balancer.create(spec.lb(), allHosts, clock, ThreadLocalRandom::current);
    this.retryBudget = previous != null && previous.spec.retry().equals(spec.retry())
        ? previous.retryBudget
        : new RetryBudget(spec.retry().budget(), spec.retry().minRetries(), clock);
    this.limiter = previous != null && previous.spec.adaptive().equals(spec.adaptive())
        && previous.limiter != null ? previous.limiter
        : AdaptiveLimiter.create(spec.adaptive(), tiers);
  }

  Upstream spec() {
    return spec;
  }

  List<HostState> hosts() {
    return hosts;
  }

  HostState host(String authority) {
    return byAuthority.get(authority);
  }

  AdaptiveLimiter limiter() {
    return limiter;
  }

  RetryBudget retryBudget() {
    return retryBudget;
  }

  /**
   * Picks a host for a request, avoiding {@code tried} (hosts that already failed to connect).
   *
   * @return the pick, or null when no host may be tried ({@code panic: refuse}, or every host
   *     tried)
   */
  Pick pick(String hashKey, List<HostState> tried) {
    long now = clock.getAsLong();
    List<UpstreamHost> usable = new ArrayList<>(allHosts.size());
    List<UpstreamHost> untried = new ArrayList<>(allHosts.size());
    for (HostState h : hosts) {
      if (tried.contains(h)) {
        continue;
      }
      untried.add(h.host);
      if (h.usable(now)) {
        usable.add(h.host);
      }
    }
    boolean panic = false;
    if (usable.isEmpty()) {
      if (spec.panic() == Panic.REFUSE || untried.isEmpty()) {
        return null;
      }
      usable = untried;
      panic = true;
    }
    UpstreamHost chosen = balancer.pick(usable, hashKey);
    return new Pick(hosts.get(allHosts.indexOf(chosen)), panic);
  }

  /** Whether one more host may be ejected: at most the configured share, never the last one. */
  boolean mayEject() {
    long now = clock.getAsLong();
    int ejected = 0;
    int usable = 0;
    for (HostState h : hosts) {
      if (h.ejected()) {
        ejected++;
      } else if (h.usable(now)) {
        usable++;
      }
    }
    int max = (int) Math.floor(spec.outlier().maxEjectedShare() * hosts.size());
    return ejected + 1 <= max && usable > 1;
  }
}
