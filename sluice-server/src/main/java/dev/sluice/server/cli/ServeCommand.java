package dev.sluice.server.cli;

import dev.sluice.frontend.cli.FrontendCommand;
import dev.sluice.server.SluiceServer;
import dev.sluice.server.config.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code sluice serve}: runs the service until interrupted. */
@Command(name = "serve",
    description = {"Runs the Sluice rate-limit service.",
        "The config file (YAML) chooses the engine, the rule store, the port, the admin token "
            + "and trusted proxies; see config/sluice.yaml. An invalid config stops here with "
            + "the wrong key and why."})
public final class ServeCommand extends FrontendCommand<ServerConfig, SluiceServer> {
  /** The command, reading {@code config/sluice.yaml} by default; picocli sets its options. */
  public ServeCommand() {
    super(Path.of("config/sluice.yaml"), ServerConfig::load, ServerConfig::withPort,
        (cfg, file) -> SluiceServer.start(cfg));
  }

  @Override
  protected void banner(ServerConfig cfg, SluiceServer server, PrintWriter out) {
    String host = cfg.host().contains(":") ? "[" + cfg.host() + "]" : cfg.host();
    String base = (cfg.tls() != null ? "https://" : "http://")
        + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":"
        + server.port();
    out.println("Sluice listening on " + base + " (engine " + server.pipeline().engineName()
        + ", rules from " + server.pipeline().store().location() + ")");
    for (String banner : server.banners()) {
      out.println(banner);
    }
    out.println(jvmLine());
    out.println("Try it:");
    out.println("  curl -i -X POST " + base + "/rate-limit/check -H 'Content-Type: "
        + "application/json' -d '{\"method\":\"GET\",\"path\":\"/api/hello\"}'");
    out.println("  curl -s " + base + "/rate-limits/rules" + (cfg.adminToken() != null
        ? " -H 'Authorization: Bearer <admin token>'" : ""));
    out.println("Press Ctrl-C to stop.");
  }

  /**
   * What the JVM runs with that matters to the engine's speed: the heap's maximum and whether it
   * is on transparent huge pages (bin/jvm-flags chooses both for bin/sluice).
   */
  static String jvmLine() {
    String thp = "unknown";
    try {
      thp = java.lang.management.ManagementFactory
          .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
          .getVMOption("UseTransparentHugePages").getValue().equals("true") ? "on" : "off";
    } catch (RuntimeException | LinkageError e) {
      // Not HotSpot: say unknown.
    }
    return String.format("JVM: heap up to %.1f GiB, transparent huge pages %s",
        Runtime.getRuntime().maxMemory() / (double) (1L << 30), thp);
  }
}
