/**
 * The accuracy lab ({@link dev.sluice.bench.lab.AccuracyLab}): the synced engine's error against
 * an exact counter on simulated traffic and a real redis-server, and the sliding window counter's
 * against the exact sliding log. Never run by the build.
 */
package dev.sluice.bench.lab;
