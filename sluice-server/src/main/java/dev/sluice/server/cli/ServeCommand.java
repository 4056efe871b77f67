package dev.sluice.server.cli;

import dev.sluice.frontend.cli.Launcher;
import dev.sluice.server.SluiceServer;
import dev.sluice.server.config.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice serve}: runs the service until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Runs the Sluice rate-limit service.",
        "The config file (YAML) chooses the engine, the rule store, the port, the admin token "
            + "and trusted proxies; see config/sluice.yaml. An invalid config stops here with "
            + "the wrong key and why."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped", "2:invalid configuration", "3:could not start"})
public final class ServeCommand implements Callable<Integer> {
  /** The command; picocli sets its options. */
  public ServeCommand() {}

  @Spec
  CommandSpec spec;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "The configuration file (default: ${DEFAULT-VALUE}).",
      defaultValue = "config/sluice.yaml")
  Path config;

  @Option(names = {"-p", "--port"}, paramLabel = "PORT",
      description = "Listen on this port instead of the configured one (0: any free port).")
  Integer port;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    return new Launcher<>("sluice serve",
        (Path file) -> {
          ServerConfig c = ServerConfig.load(file);
          return port == null ? c : c.withPort(port);
        },
        SluiceServer::start)
        .run(config, out, spec.commandLine().getErr(), (cfg, server) -> {
          String host = cfg.host().contains(":") ? "[" + cfg.host() + "]" : cfg.host();
          String base = "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":"
              + server.port();
          out.println("Sluice listening on " + base + " (engine "
              + server.pipeline().engineName() + ", rules from "
              + server.pipeline().store().location() + ")");
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
        });
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
