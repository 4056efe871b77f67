/**
 * Where rules live, behind one SPI: a {@link dev.sluice.rules.store.RuleStore} (read, follow,
 * atomic read-modify-write with entity tags) opened from a {@link dev.sluice.rules.store.RuleStoreProvider}
 * found by {@code ServiceLoader} ({@code rules.store}). This package provides the watched YAML
 * file ({@link dev.sluice.rules.store.FileRuleStore}, {@code file}); {@code sluice-rules-postgres}
 * provides {@code postgres}. Every store keeps the last good set in force when a new one is
 * invalid or the source is unreachable, and passes the rule-store contract test.
 */
package dev.sluice.rules.store;
