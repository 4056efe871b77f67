/**
 * The base of the commands that run a front end ({@code sluice serve}, {@code sluice gateway}):
 * {@link dev.sluice.frontend.cli.FrontendCommand}.
 */
package dev.sluice.frontend.cli;
