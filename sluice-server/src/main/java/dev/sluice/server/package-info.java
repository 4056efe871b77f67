/**
 * The Sluice HTTP service, one front end over the pipeline of {@code sluice-rules}.
 * {@link dev.sluice.server.SluiceServer} starts it from a
 * {@link dev.sluice.server.config.ServerConfig}: a check flows request ({@code http}) → identify
 * client → match rule → decide (the {@link dev.sluice.rules.Pipeline}'s rule book and engine) →
 * respond ({@code http}). Other front ends join {@code serve} through
 * {@link dev.sluice.frontend.ServeExtension}.
 */
package dev.sluice.server;
