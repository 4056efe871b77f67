/** The {@code sluice} command line: one picocli command class per subcommand. */
package dev.sluice.cli;
