/**
 * Engine choice: the YAML {@code engine.type} names an {@link dev.sluice.server.engine.EngineFactory}
 * registered in {@link dev.sluice.server.engine.Engines}; the factory validates its own keys while
 * the configuration is read and builds the engine when the server starts.
 */
package dev.sluice.server.engine;
