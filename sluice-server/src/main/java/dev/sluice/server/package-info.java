/**
 * The Sluice service. {@link dev.sluice.server.SluiceServer} starts it from a
 * {@link dev.sluice.server.config.ServerConfig}; a check flows request ({@code http}) → identify
 * client ({@code identity}) → match rule ({@code rules}) → decide ({@code decide}, on the engine
 * chosen in {@code engine}) → respond ({@code http}); rules come from a {@code store}.
 */
package dev.sluice.server;
