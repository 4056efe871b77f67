/**
 * The decision pipeline every front end shares: the rule model and codec
 * ({@code dev.sluice.rules}), client identity, the decide step, the rule-store SPI with the file
 * store, and the shared configuration sections with their plug-ins.
 */
module dev.sluice.rules {
  requires transitive dev.sluice.core;
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.slf4j;

  exports dev.sluice.rules;
  exports dev.sluice.rules.config;
  exports dev.sluice.rules.decide;
  exports dev.sluice.rules.identity;
  exports dev.sluice.rules.response;
  exports dev.sluice.rules.store;

  uses dev.sluice.spi.EngineProvider;
  uses dev.sluice.rules.store.RuleStoreProvider;

  provides dev.sluice.rules.store.RuleStoreProvider
      with dev.sluice.rules.store.FileRuleStoreProvider;
}
