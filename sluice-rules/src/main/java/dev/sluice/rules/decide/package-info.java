/**
 * Steps three and four of a check: match the rule and decide it on the engine.
 * {@link dev.sluice.rules.decide.RuleBook} is one compiled rule set; its rules decide
 * hierarchical (multi-scope) limits atomically, see {@link dev.sluice.rules.decide.ScopedRule}.
 */
package dev.sluice.rules.decide;
