/**
 * The accuracy lab of the multi-region engine ({@code sluice-regions}): three regions on real
 * redis-servers behind cuttable, slowable TCP proxies, on simulated time; one region surging,
 * rebalancing, a 30 s partition and its heal ({@link dev.sluice.bench.lab.regions.RegionsLab},
 * docs/regions.md).
 */
package dev.sluice.bench.lab.regions;
