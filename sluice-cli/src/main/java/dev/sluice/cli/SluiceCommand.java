package dev.sluice.cli;

import dev.sluice.gateway.cli.GatewayCommand;
import dev.sluice.server.cli.CheckCommand;
import dev.sluice.server.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sluice} command. Subcommands register here; each is its own class named for what it
 * does. Run through {@code bin/sluice}, which finds a JDK 21+ and builds on first use.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0-SNAPSHOT",
    description = "Sluice, a distributed rate limiter.",
    subcommands = {DemoCommand.class, ServeCommand.class, CheckCommand.class,
        GatewayCommand.class, CommandLine.HelpCommand.class})
public final class SluiceCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * The command line with every subcommand, reporting bad input as one line naming the value
   * (exit status 2), never a stack trace.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new SluiceCommand());
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      if (ex instanceof IllegalArgumentException) {
        cmd.getErr().println("sluice: " + ex.getMessage());
        cmd.getErr().flush();
        return 2;
      }
      throw ex;
    });
    return cl;
  }

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
