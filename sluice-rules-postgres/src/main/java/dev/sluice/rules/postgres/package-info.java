/**
 * The PostgreSQL rule store ({@code rules.store: postgres}): the seed's schema, created and
 * extended by the Flyway migrations in {@code db/sluice}, polled for changes by every instance.
 * Found through {@link dev.sluice.rules.store.RuleStoreProvider}; nothing here is called directly.
 */
package dev.sluice.rules.postgres;
