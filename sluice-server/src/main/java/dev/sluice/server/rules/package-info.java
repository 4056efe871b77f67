/**
 * The rules of the service: their model ({@link dev.sluice.server.rules.RuleDefinition}), the
 * JSON/YAML form with validation that reports every bad field ({@link
 * dev.sluice.server.rules.RuleSetCodec}), and matching a request to the rule that governs it
 * ({@link dev.sluice.server.rules.RuleMatcher}).
 */
package dev.sluice.server.rules;
