package dev.sluice.gateway;

import dev.sluice.gateway.GatewayConfig.HealthCheck;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active health checks of one routing version: {@code GET path} to every host of every
 * upstream with a {@code health-check}, every {@code interval}; a 2xx within {@code timeout} is
 * a pass, anything else a failure. Thresholds are applied by {@link HostState}. Stopped when the
 * routing is replaced (the next version's checker carries the host state on).
 *
 * <p>Thread-safe; checks run on one event loop.
 */
final class HealthChecker {
  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

  private final Vertx vertx;
  private final HttpClient client;
  private final UpstreamTls tls;
  private final LongSupplier clock;
  private final List<Long> timers = new ArrayList<>();
  private volatile boolean stopped;

  HealthChecker(Vertx vertx, HttpClient client, UpstreamTls tls, LongSupplier clock) {
    this.tls = tls;
    this.vertx = vertx;
    this.client = client;
    this.clock = clock;
  }

  /** Starts checking the hosts of {@code routing}. */
  synchronized void start(Routing routing) {
    for (UpstreamPool pool : routing.pools().values()) {
      HealthCheck hc = pool.spec().healthCheck();
      if (hc == null) {
        continue;
      }
      for (HostState h : pool.hosts()) {
        timers.add(vertx.setPeriodic(hc.interval().toMillis(), id -> check(pool, h, hc)));
      }
    }
  }

  /** Stops every check of this version. */
  synchronized void stop() {
    stopped = true;
    for (long id : timers) {
      vertx.cancelTimer(id);
    }
    timers.clear();
  }

  private void check(UpstreamPool pool, HostState h, HealthCheck hc) {
    if (stopped) {
      return;
    }
    RequestOptions o = tls.apply(new RequestOptions().setMethod(HttpMethod.GET)
        .setHost(h.spec.url().getHost()).setPort(h.spec.port()).setURI(hc.path())
        .setConnectTimeout(hc.timeout().toMillis()).setIdleTimeout(hc.timeout().toMillis())
        .putHeader("User-Agent", "sluice-gateway-health"), pool.spec(), h.spec);
    client.request(o)
        .compose(req -> req.send())
        .compose(res -> res.body().map(b -> res.statusCode()))
        .timeout(hc.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onComplete(ar -> {
          if (stopped) {
            return;
          }
          boolean ok = ar.succeeded() && ar.result() / 100 == 2;
          if (ok) {
            if (h.checkPassed(hc.healthy(), clock.getAsLong())) {
              LOG.info("upstream {} host {} is healthy again", pool.spec().name(),
                  h.spec.authority());
            }
          } else if (h.checkFailed(hc.unhealthy())) {
            LOG.warn("upstream {} host {} is unhealthy ({} failed checks)", pool.spec().name(),
                h.spec.authority(), hc.unhealthy());
          }
        });
  }
}
