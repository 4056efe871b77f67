/**
 * The {@code serve} and {@code check} commands (picocli). They are plain {@code @Command}
 * classes so that the {@code sluice} top-level command registers each with one line;
 * {@link dev.sluice.server.cli.ServerCli} runs them on their own until then.
 */
package dev.sluice.server.cli;
