package dev.sluice.gateway.cli;

import dev.sluice.frontend.cli.Launcher;
import dev.sluice.gateway.GatewayConfig;
import dev.sluice.gateway.SluiceGateway;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice gateway}: runs the rate-limiting reverse proxy until interrupted. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
    description = {"Runs Sluice as a rate-limiting reverse proxy (gateway mode).",
        "The config file (YAML) holds the gateway section (listener, routes, upstreams, "
            + "balancers, health checks, tiers) and the engine, rules and identity sections "
            + "the service shares; see config/gateway.yaml and docs/gateway.md. Routes, "
            + "upstreams and tiers reload when the file changes; an invalid change is refused "
            + "naming the key."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped", "2:invalid configuration", "3:could not start"})
public final class GatewayCommand implements Callable<Integer> {
  /** The command; picocli sets its options. */
  public GatewayCommand() {}

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "The configuration file (default: ${DEFAULT-VALUE}).",
      defaultValue = "config/gateway.yaml")
  Path config;

  @Option(names = {"-p", "--port"}, paramLabel = "PORT",
      description = "Listen on this port instead of gateway.port (0: any free port).")
  Integer port;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    return new Launcher<>("sluice gateway",
        (Path file) -> {
          GatewayConfig c = GatewayConfig.load(file);
          return port == null ? c : c.withPorts(port, c.adminPort());
        },
        (GatewayConfig cfg) -> SluiceGateway.start(cfg, config))
        .run(config, out, spec.commandLine().getErr(), (cfg, gateway) -> {
          String host = cfg.host().contains(":") ? "[" + cfg.host() + "]" : cfg.host();
          out.println("Sluice gateway listening on http://" + host + ":" + gateway.port());
          if (gateway.adminPort() >= 0) {
            out.println("Admin (metrics) on http://" + cfg.adminHost() + ":"
                + gateway.adminPort() + "/metrics");
          }
          out.println("Engine " + gateway.pipeline().engineName() + ", rules from "
              + gateway.pipeline().store().location() + ". Press Ctrl-C to stop.");
        });
  }
}
