package dev.sluice.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's metrics, next to the service's ({@code sluice_decisions_total} and the rest, on
 * the same registry):
 *
 * <ul>
 *   <li>{@code sluice_gateway_upstream_requests_total{upstream, host, status}}: status is the
 *       class ({@code 2xx} ... {@code 5xx}) or {@code connect_error}, {@code timeout},
 *       {@code reset};
 *   <li>{@code sluice_gateway_upstream_latency_seconds{upstream, host}}: time to the response
 *       headers, a histogram;
 *   <li>{@code sluice_gateway_upstream_healthy{upstream, host}}: 1 usable, 0 unhealthy or
 *       ejected; {@code sluice_gateway_upstream_ejections_total{upstream, host}};
 *   <li>{@code sluice_gateway_concurrency_limit{upstream}},
 *       {@code sluice_gateway_in_flight{upstream}},
 *       {@code sluice_gateway_shed_total{upstream, tier}},
 *       {@code sluice_gateway_tier_requests_total{upstream, tier}};
 *   <li>{@code sluice_gateway_retries_total{upstream}},
 *       {@code sluice_gateway_panic_total{upstream}} (requests balanced over unhealthy hosts),
 *       {@code sluice_gateway_responses_total{status}}
 *       (what clients got, by class, including the gateway's own 404/429/502/503/504);
 *   <li>{@code sluice_gateway_client_closed_total{upstream}}: clients that hung up before their
 *       response ended (not a response, and never counted against the upstream);
 *   <li>{@code sluice_gateway_config_reloads_total{result}}.
 * </ul>
 *
 * <p>Gauges read the state in force through {@link #publish}, so they survive reloads.
 * Thread-safe.
 */
final class GatewayMetrics {
  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Object> meters = new ConcurrentHashMap<>();
  private volatile Routing routing;

  GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The meters of one host. */
  final class HostMeters {
    private final String upstream;
    private final String host;
    private final Timer latency;
    private final Counter ejections;
    private final Counter[] byClass = new Counter[6];

    private HostMeters(String upstream, String host) {
      this.upstream = upstream;
      this.host = host;
      this.latency = Timer.builder("sluice_gateway_upstream_latency_seconds")
          .description("Upstream time to response headers").tag("upstream", upstream)
          .tag("host", host).publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofNanos(50_000))
          .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
      this.ejections = Counter.builder("sluice_gateway_upstream_ejections_total")
          .description("Passive outlier ejections").tag("upstream", upstream).tag("host", host)
          .register(registry);
    }

    void bindHealth(HostState ignored) {
      String key = upstream + "|" + host;
      meters.computeIfAbsent("h|" + key, k -> Gauge.builder("sluice_gateway_upstream_healthy",
          () -> healthOf(upstream, host)).description("1 usable, 0 unhealthy or ejected")
          .tag("upstream", upstream).tag("host", host).register(registry));
    }

    void response(int status, long latencyNanos) {
      int c = Math.min(5, Math.max(1, status / 100));
      Counter counter = byClass[c];
      if (counter == null) {
        counter = requests(c + "xx");
        byClass[c] = counter;
      }
      counter.increment();
      latency.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    void failure(String kind) {
      requests(kind).increment();
    }

    void ejected() {
      ejections.increment();
    }

    private Counter requests(String status) {
      return (Counter) meters.computeIfAbsent("r|" + upstream + "|" + host + "|" + status,
          k -> Counter.builder("sluice_gateway_upstream_requests_total")
              .description("Requests sent to upstream hosts, by outcome")
              .tag("upstream", upstream).tag("host", host).tag("status", status)
              .register(registry));
    }
  }

  HostMeters host(String upstream, String authority) {
    return new HostMeters(upstream, authority);
  }

  /** Points the gauges at the routing now in force. */
  void publish(Routing r) {
    this.routing = r;
    for (UpstreamPool p : r.pools().values()) {
      if (p.limiter() != null) {
        String name = p.spec().name();
        meters.computeIfAbsent("l|" + name, k -> Gauge.builder("sluice_gateway_concurrency_limit",
            () -> limiterValue(name, true)).description("Adaptive concurrency limit")
            .tag("upstream", name).register(registry));
        meters.computeIfAbsent("i|" + name, k -> Gauge.builder("sluice_gateway_in_flight",
            () -> limiterValue(name, false)).description("Requests in flight under the limit")
            .tag("upstream", name).register(registry));
      }
    }
  }

  private double limiterValue(String upstream, boolean limit) {
    Routing r = routing;
    UpstreamPool p = r == null ? null : r.pools().get(upstream);
    if (p == null || p.limiter() == null) {
      return Double.NaN;
    }
    return limit ? p.limiter().limit() : p.limiter().inFlight();
  }

  private double healthOf(String upstream, String host) {
    Routing r = routing;
    UpstreamPool p = r == null ? null : r.pools().get(upstream);
    HostState h = p == null ? null : p.host(host);
    return h == null ? Double.NaN : h.healthGauge();
  }

  Counter shed(String upstream, String tier) {
    return counter("sluice_gateway_shed_total", "Requests shed with 503 by the concurrency limit",
        "upstream", upstream, "tier", tier);
  }

  Counter tierRequests(String upstream, String tier) {
    return counter("sluice_gateway_tier_requests_total", "Requests by priority tier",
        "upstream", upstream, "tier", tier);
  }

  Counter retries(String upstream) {
    return counter("sluice_gateway_retries_total", "Retries after a connect failure",
        "upstream", upstream);
  }

  Counter panic(String upstream) {
    return counter("sluice_gateway_panic_total",
        "Requests balanced over all hosts because none was healthy", "upstream", upstream);
  }

  Counter responses(int status) {
    return counter("sluice_gateway_responses_total", "Responses to clients by status class",
        "status", (status / 100) + "xx");
  }

  Counter clientClosed(String upstream) {
    return counter("sluice_gateway_client_closed_total",
        "Clients that hung up before their response ended", "upstream", upstream);
  }

  Counter reloads(String result) {
    return counter("sluice_gateway_config_reloads_total", "Gateway configuration reloads",
        "result", result);
  }

  private Counter counter(String name, String help, String... tags) {
    return (Counter) meters.computeIfAbsent(name + String.join("|", tags),
        k -> Counter.builder(name).description(help).tags(tags).register(registry));
  }
}
