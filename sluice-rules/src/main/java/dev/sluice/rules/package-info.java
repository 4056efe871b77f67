/**
 * The rules of the service: their model ({@link dev.sluice.rules.RuleDefinition}), the
 * JSON/YAML form with validation that reports every bad field ({@link
 * dev.sluice.rules.RuleSetCodec}), and matching a request to the rule that governs it
 * ({@link dev.sluice.rules.RuleMatcher}).
 */
package dev.sluice.rules;
