/**
 * The front-end layer every front end over the pipeline shares: the runtime, the decide step on
 * Vert.x, the stats section, how statistics are shown and the serve-extension SPI
 * ({@code dev.sluice.frontend}), the Micrometer binding ({@code dev.sluice.frontend.metrics}) and
 * the base of the commands that run a front end ({@code dev.sluice.frontend.cli}). Problems and
 * rate-limit headers are for our front ends only.
 */
// Micrometer names its modules only in its manifests; its registry is part of this API.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic", "module"})
module dev.sluice.frontend {
  requires transitive dev.sluice.rules;
  requires transitive dev.sluice.stats;
  requires transitive dev.sluice.tls;
  requires transitive io.vertx.core;
  requires transitive micrometer.core;
  requires transitive micrometer.registry.prometheus;
  requires transitive info.picocli;
  requires org.slf4j;

  exports dev.sluice.frontend;
  exports dev.sluice.frontend.metrics;
  exports dev.sluice.frontend.http to dev.sluice.server, dev.sluice.gateway;
  exports dev.sluice.frontend.cli;
  // picocli sets the commands' shared options by reflection.
  opens dev.sluice.frontend.cli to info.picocli;
}
