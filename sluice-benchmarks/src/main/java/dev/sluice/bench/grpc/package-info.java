/**
 * The load generator of Envoy's RLS (sluice-grpc): Sluice's RLS against an empty grpc-java
 * service and the HTTP check endpoint, in one run: see {@code docs/benchmarks.md ("Envoy RLS")}
 * for the command and the latest figures.
 *
 * <p>Needs, in the {@code sluice-benchmarks} POM: {@code dev.sluice:sluice-grpc},
 * {@code dev.sluice:sluice-server} and grpc-java (versions managed by the parent), and
 * {@code wrk} on PATH for the HTTP figures.
 */
package dev.sluice.bench.grpc;
