/**
 * The configuration sections every front end shares: {@link dev.sluice.rules.config.PipelineConfig}
 * reads {@code engine} (an {@link dev.sluice.spi.EngineProvider} by type), {@code rules} (a
 * {@link dev.sluice.rules.store.RuleStoreProvider} by name) and {@code identity};
 * {@link dev.sluice.rules.config.ConfigNode} reads YAML with defaults and names every bad key.
 */
package dev.sluice.rules.config;
