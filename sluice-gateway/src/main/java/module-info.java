/**
 * Sluice as a rate-limiting reverse proxy: {@link dev.sluice.gateway.SluiceGateway} started from
 * a {@link dev.sluice.gateway.GatewayConfig}, and its command ({@code dev.sluice.gateway.cli}).
 * {@code dev.sluice.gateway.balance} holds the load balancers an upstream can use.
 */
// Netflix's concurrency-limits has no module name of its own; its limits stay inside.
@SuppressWarnings("requires-automatic")
module dev.sluice.gateway {
  requires transitive dev.sluice.frontend;
  requires concurrency.limits.core;
  requires info.picocli;
  requires org.slf4j;

  exports dev.sluice.gateway;
  exports dev.sluice.gateway.balance;
  exports dev.sluice.gateway.cli;
  // picocli sets the command's options by reflection.
  opens dev.sluice.gateway.cli to info.picocli;
}
