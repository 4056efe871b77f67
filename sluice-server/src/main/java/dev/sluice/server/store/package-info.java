/**
 * Where rules live: a watched YAML file ({@link dev.sluice.server.store.FileRuleStore}) or
 * PostgreSQL ({@link dev.sluice.server.store.PostgresRuleStore}). Both keep the last good set in
 * force when a new one is invalid or the source is unreachable.
 */
package dev.sluice.server.store;
