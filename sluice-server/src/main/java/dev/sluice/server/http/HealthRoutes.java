package dev.sluice.server.http;

import dev.sluice.frontend.metrics.ServerMetrics;
import dev.sluice.rules.Pipeline;
import dev.sluice.spi.EngineHealth;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /healthz} (the process is up), {@code GET /readyz} (the engine can decide and the
 * rule store is reachable, with the engine's synced views and regions as details) and
 * {@code GET /metrics} (the Prometheus text).
 *
 * <p>Thread-safe.
 */
final class HealthRoutes {
  private final Pipeline pipeline;
  private final ServerMetrics metrics;

  HealthRoutes(Pipeline pipeline, ServerMetrics metrics) {
    this.pipeline = pipeline;
    this.metrics = metrics;
  }

  void register(Router r) {
    r.get("/healthz").handler(ctx -> HttpJson.send(ctx.response(), 200, "{\"status\":\"up\"}"));
    r.get("/readyz").handler(this::readyz);
    r.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(metrics.scrape()));
  }

  private void readyz(RoutingContext ctx) {
    // From the engine's health: no check goes through the engine for this.
    boolean engineOk = pipeline.engineReady();
    EngineHealth health = pipeline.engineHealth();
    boolean storeOk = pipeline.store().reachable();
    StringBuilder b = new StringBuilder(128).append("{\"ready\":").append(storeOk && engineOk)
        .append(",\"engine\":\"").append(engineOk ? "up" : "down")
        .append("\",\"rule_store\":\"").append(storeOk ? "up" : "down")
        .append("\",\"rules\":").append(pipeline.book().ruleSet().rules().size());
    List<EngineHealth.Sync> syncs = health.syncs();
    if (!syncs.isEmpty()) {
      // A synced view that is old is not unready: the engine goes on deciding on its last view
      // plus its own share. The details say how old the view is.
      b.append(",\"sync\":[");
      for (int i = 0; i < syncs.size(); i++) {
        EngineHealth.Sync s = syncs.get(i);
        b.append(i == 0 ? "" : ",").append("{\"peer\":\"").append(s.peer())
            .append("\",\"current\":").append(s.current())
            .append(",\"interval_ms\":").append(s.intervalMillis())
            .append(",\"last_sync_age_ms\":").append(s.lastSuccessAgeMillis())
            .append(",\"lag_ms\":").append(s.lagMillis())
            .append(",\"last_round_ms\":").append(s.lastRoundMillis())
            .append(",\"consecutive_failures\":").append(s.consecutiveFailures())
            .append(",\"pending_keys\":").append(s.pendingKeys())
            .append(",\"leased_permits\":").append(s.leasedPermits()).append('}');
      }
      b.append(']');
    }
    List<EngineHealth.Region> regions = health.regions();
    if (!regions.isEmpty()) {
      b.append(",\"regions\":[");
      for (int i = 0; i < regions.size(); i++) {
        EngineHealth.Region g = regions.get(i);
        b.append(i == 0 ? "" : ",").append("{\"region\":\"").append(g.region())
            .append("\",\"own\":").append(g.own())
            .append(",\"partitioned\":").append(g.partitioned())
            .append(",\"allocation\":").append(g.allocation())
            .append(",\"admitted\":").append(g.admitted()).append('}');
      }
      b.append(']');
    }
    HttpJson.send(ctx.response(), storeOk && engineOk ? 200 : 503, b.append('}').toString());
  }
}
