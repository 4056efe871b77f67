package dev.sluice.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Runs {@code serve} and {@code check} without the {@code sluice} top-level command:
 * {@code java -cp ... dev.sluice.server.cli.ServerCli serve --config config/sluice.yaml}.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true,
    description = "The Sluice rate-limit service.",
    subcommands = {ServeCommand.class, CheckCommand.class})
public final class ServerCli implements Runnable {
  /** The top-level command; picocli runs its subcommands. */
  public ServerCli() {}

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Entry point. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new ServerCli()).execute(args));
  }
}
