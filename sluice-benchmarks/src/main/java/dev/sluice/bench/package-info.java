/**
 * JMH benchmarks of the in-memory engine against Bucket4j, Resilience4j and Guava, and
 * {@link dev.sluice.bench.HeapPerClient}, which measures heap bytes per tracked client. Nothing
 * here runs during {@code mvn verify}: build {@code target/benchmarks.jar} and use
 * {@code sluice-benchmarks/run.sh}.
 */
package dev.sluice.bench;
