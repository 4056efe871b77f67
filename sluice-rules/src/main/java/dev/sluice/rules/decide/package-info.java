/**
 * Steps three and four of a check: match the rule and decide it on the engine.
 * {@link dev.sluice.rules.decide.RuleBook} is one compiled rule set; each rule is one engine call
 * (a multi-scope rule is one multi-key check, all or nothing on every engine), asynchronous on
 * every engine and synchronous where the engine decides inline.
 */
package dev.sluice.rules.decide;
