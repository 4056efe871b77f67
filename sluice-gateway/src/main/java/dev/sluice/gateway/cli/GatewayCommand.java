package dev.sluice.gateway.cli;

import dev.sluice.frontend.cli.FrontendCommand;
import dev.sluice.gateway.GatewayConfig;
import dev.sluice.gateway.SluiceGateway;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code sluice gateway}: runs the rate-limiting reverse proxy until interrupted. */
@Command(name = "gateway",
    description = {"Runs Sluice as a rate-limiting reverse proxy (gateway mode).",
        "The config file (YAML) holds the gateway section (listener, routes, upstreams, "
            + "balancers, health checks, tiers) and the engine, rules and identity sections "
            + "the service shares; see config/gateway.yaml and docs/gateway.md. Routes, "
            + "upstreams and tiers reload when the file changes; an invalid change is refused "
            + "naming the key."})
public final class GatewayCommand extends FrontendCommand<GatewayConfig, SluiceGateway> {
  /** The command, reading {@code config/gateway.yaml} by default; picocli sets its options. */
  public GatewayCommand() {
    // The gateway follows its file: it reloads routes, upstreams and tiers when it changes.
    super(Path.of("config/gateway.yaml"), GatewayConfig::load,
        (cfg, p) -> cfg.withPorts(p, cfg.adminPort()), SluiceGateway::start);
  }

  @Override
  protected void banner(GatewayConfig cfg, SluiceGateway gateway, PrintWriter out) {
    String host = cfg.host().contains(":") ? "[" + cfg.host() + "]" : cfg.host();
    out.println("Sluice gateway listening on " + (cfg.tls() != null ? "https" : "http")
        + "://" + host + ":" + gateway.port());
    if (gateway.adminPort() >= 0) {
      out.println("Admin (metrics) on " + (cfg.adminTls() != null ? "https" : "http")
          + "://" + cfg.adminHost() + ":" + gateway.adminPort()
          + "/metrics");
    }
    out.println("Engine " + gateway.pipeline().engineName() + ", rules from "
        + gateway.pipeline().store().location() + ". Press Ctrl-C to stop.");
  }
}
