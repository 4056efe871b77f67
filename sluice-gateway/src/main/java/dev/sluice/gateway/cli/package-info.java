/** The {@code sluice gateway} subcommand, registered by the {@code sluice} command. */
package dev.sluice.gateway.cli;
