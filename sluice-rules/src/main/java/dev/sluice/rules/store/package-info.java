/**
 * Where rules live: a watched YAML file ({@link dev.sluice.rules.store.FileRuleStore}) or
 * PostgreSQL ({@link dev.sluice.rules.postgres.PostgresRuleStore}). Both keep the last good set in
 * force when a new one is invalid or the source is unreachable.
 */
package dev.sluice.rules.store;
