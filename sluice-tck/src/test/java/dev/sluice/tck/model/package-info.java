/**
 * Reference models of {@code docs/algorithms.md}: one small immutable value per algorithm, written
 * straight from the page and independently of any engine, plus {@link RuleModel} (several limits
 * decided together) and {@link ReferenceEngine} (the models behind the public engine API).
 *
 * <p>They favour being obviously correct over being fast: plain {@code long} arithmetic with
 * overflow checks, {@link java.math.BigInteger} where a product may not fit, and a list of grants
 * for the sliding log.
 */
package dev.sluice.tck.model;
