package dev.sluice.gateway;

import dev.sluice.gateway.GatewayConfig.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The routes and upstreams in force, replaced whole on a reload so a request sees one
 * consistent version; requests in flight keep the version they started with.
 *
 * @param config the configuration it was built from
 * @param routes in order
 * @param pools upstreams by name
 */
record Routing(GatewayConfig config, List<Route> routes, Map<String, UpstreamPool> pools) {

  /** Builds the routing of {@code config}, carrying host state over from {@code previous}. */
  static Routing build(GatewayConfig config, Routing previous, GatewayMetrics metrics,
      LongSupplier clock) {
    Map<String, UpstreamPool> pools = new LinkedHashMap<>();
    for (var e : config.upstreams().entrySet()) {
      UpstreamPool old = previous == null ? null : previous.pools.get(e.getKey());
      pools.put(e.getKey(), new UpstreamPool(e.getValue(), old, config.tiers(), metrics, clock));
    }
    return new Routing(config, config.routes(), Map.copyOf(pools));
  }

  /** The first route taking the request, or null. */
  Route route(String method, String path) {
    for (Route r : routes) {
      if (r.matches(method, path)) {
        return r;
      }
    }
    return null;
  }
}
