package dev.sluice.gateway.balance;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.function.Supplier;

/**
 * Chooses the host for one request among the usable hosts of an upstream. Each algorithm is
 * described on its {@link BalancerKind}; docs/gateway.md says when to use which.
 *
 * <p>Implementations are thread-safe.
 */
public interface Balancer {
  /**
   * The host for a request.
   *
   * @param usable the hosts that may take it now, a non-empty subset of the hosts the balancer
   *     was built over, in their order
   * @param hashKey what hashing balancers hash (client address, header or cookie value); ignored
   *     by the others; null hashes as the empty string
   * @return one of {@code usable}
   * @throws IllegalArgumentException if {@code usable} is empty
   */
  UpstreamHost pick(List<UpstreamHost> usable, String hashKey);

  /**
   * A balancer of {@code kind} over {@code hosts}.
   *
   * @param nanoClock the clock of slow start, ns
   * @param random the random source of the calling thread (power-of-two-choices)
   */
  static Balancer create(BalancerKind kind, List<UpstreamHost> hosts, LongSupplier nanoClock,
      Supplier<RandomGenerator> random) {
    return switch (kind) {
      case ROUND_ROBIN -> new RoundRobin();
      case WEIGHTED_ROUND_ROBIN -> new SmoothWeightedRoundRobin(hosts, nanoClock);
      case LEAST_CONNECTIONS -> new LeastLoaded(nanoClock, LeastLoaded.Score.CONNECTIONS);
      case WEIGHTED_LEAST_CONNECTIONS ->
          new LeastLoaded(nanoClock, LeastLoaded.Score.WEIGHTED_CONNECTIONS);
      case LEAST_RESPONSE_TIME -> new LeastLoaded(nanoClock, LeastLoaded.Score.RESPONSE_TIME);
      case IP_HASH -> new IpHash(hosts);
      case CONSISTENT_HASH -> new ConsistentHashBalancer(hosts,
          ConsistentHashBalancer.VNODES_PER_WEIGHT);
      case POWER_OF_TWO_CHOICES -> new PowerOfTwoChoices(nanoClock, random);
    };
  }
}
