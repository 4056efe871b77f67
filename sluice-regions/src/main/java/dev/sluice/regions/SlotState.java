package dev.sluice.regions;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * This instance's knowledge of one (rule, client key): per epoch, the joined usage of every
 * region as last exchanged ({@link UsageCrdt}), this instance's own admissions and demand not yet
 * exchanged, and its candidate seal. Holds the current epoch and the two before it. Thread-safe
 * (every method synchronizes on the instance; none does I/O).
 */
final class SlotState {
  final RegionalRule rule;
  final String key;
  private final String region;
  private final boolean rebalance;
  private final TreeMap<Long, Epoch> epochs = new TreeMap<>();

  /** One epoch of the slot. */
  private static final class Epoch {
    UsageCrdt view = UsageCrdt.EMPTY;
    long pendingAdmitted;
    long pendingDemand;
    long candidate = -1;
    long candidateDemand = -1;
  }

  /** What one exchange of one epoch sends: the own region's deltas, floors and seal. */
  record Outgoing(long epoch, long admitted, long demand, long floorAdmitted, long floorDemand,
      long seal, long sealDemand, UsageCrdt view) {}

  SlotState(RegionalRule rule, String key, String region, boolean rebalance) {
    this.rule = rule;
    this.key = key;
    this.region = region;
    this.rebalance = rebalance;
  }

  private Epoch epoch(long e) {
    Epoch ep = epochs.get(e);
    if (ep == null) {
      ep = new Epoch();
      epochs.put(e, ep);
      while (epochs.firstKey() < e - 2) {
        epochs.pollFirstEntry();
      }
    }
    return ep;
  }

  /**
   * The allocation this instance enforces for the region in epoch {@code e}: the region's seal
   * if it has one, else this instance's candidate, computed once from the previous epoch's seals
   * (docs/regions.md, "Rebalancing").
   */
  synchronized long allocation(long e) {
    Epoch ep = epoch(e);
    RegionUsage own = ep.view.get(region);
    if (own.sealed()) {
      return own.allocation();
    }
    if (ep.candidate >= 0) {
      return ep.candidate;
    }
    Allocations a = rule.allocations;
    Epoch prev = epochs.get(e - 1);
    long prevOwn = prev == null ? -1 : ownAllocation(prev);
    long cand;
    if (!rebalance) {
      cand = a.fixed(region);
    } else if (prevOwn < 0) {
      cand = latestOwn(e);
    } else if (complete(prev)) {
      Map<String, Long> alloc = new HashMap<>();
      Map<String, Long> demand = new HashMap<>();
      for (String r : a.regions()) {
        RegionUsage u = prev.view.get(r);
        alloc.put(r, u.allocation());
        demand.put(r, u.sealedDemand());
      }
      cand = a.next(region, alloc, demand);
    } else {
      cand = a.keep(prevOwn);
    }
    ep.candidate = cand;
    ep.candidateDemand = prev == null ? 0 : prev.view.get(region).demand() + prev.pendingDemand;
    return cand;
  }

  /** Whether every region's seal of the epoch is known, the own region's as exchanged. */
  private boolean complete(Epoch ep) {
    for (String r : rule.allocations.regions()) {
      if (!ep.view.get(r).sealed()) {
        return false;
      }
    }
    return true;
  }

  private long ownAllocation(Epoch ep) {
    RegionUsage own = ep.view.get(region);
    return own.sealed() ? own.allocation() : ep.candidate;
  }

  /** The newest own allocation before {@code e}, or the static one for a new slot. */
  private long latestOwn(long e) {
    for (Map.Entry<Long, Epoch> en : epochs.descendingMap().entrySet()) {
      if (en.getKey() < e) {
        long v = ownAllocation(en.getValue());
        if (v >= 0) {
          return v;
        }
      }
    }
    return rule.allocations.fixed(region);
  }

  /** Permits the region admitted in epoch {@code e} as this instance knows it. */
  synchronized long ownAdmitted(long e) {
    Epoch ep = epoch(e);
    return ep.view.get(region).admitted() + ep.pendingAdmitted;
  }

  /** Records a decided request of {@code cost} permits in epoch {@code e}. */
  synchronized void record(long e, long cost, boolean admitted) {
    Epoch ep = epoch(e);
    ep.pendingDemand += cost;
    if (admitted) {
      ep.pendingAdmitted += cost;
    }
  }

  /** What to send for epoch {@code e} (sealing it first when {@code seal}). */
  synchronized Outgoing outgoing(long e, boolean seal) {
    if (seal) {
      allocation(e);
    }
    Epoch ep = epoch(e);
    RegionUsage own = ep.view.get(region);
    boolean sendSeal = !own.sealed() && ep.candidate >= 0;
    return new Outgoing(e, ep.pendingAdmitted, ep.pendingDemand, own.admitted(), own.demand(),
        sendSeal ? ep.candidate : -1, sendSeal ? ep.candidateDemand : -1, ep.view);
  }

  /**
   * Joins what a Redis answered for epoch {@code sent.epoch()}; {@code own} when it was the own
   * region's Redis, which has then counted the deltas sent.
   */
  synchronized void merged(Outgoing sent, UsageCrdt answer, boolean own) {
    Epoch ep = epochs.get(sent.epoch());
    if (ep == null) {
      return;
    }
    ep.view = ep.view.join(answer);
    if (own) {
      ep.pendingAdmitted -= sent.admitted();
      ep.pendingDemand -= sent.demand();
    }
  }

  /** The joined view of epoch {@code e}, this instance's unsent counts added to its region. */
  synchronized UsageCrdt view(long e) {
    Epoch ep = epoch(e);
    RegionUsage own = ep.view.get(region);
    return ep.view.with(region, new RegionUsage(own.admitted() + ep.pendingAdmitted,
        own.demand() + ep.pendingDemand, own.allocation(), own.sealedDemand()));
  }

  /**
   * What is known of {@code r} in epoch {@code e} without deciding anything: its exchanged
   * entry, for this instance's own region with the unsent counts and the candidate added.
   */
  synchronized RegionUsage peek(long e, String r) {
    Epoch ep = epochs.get(e);
    if (ep == null) {
      return RegionUsage.NONE;
    }
    RegionUsage u = ep.view.get(r);
    if (!r.equals(region)) {
      return u;
    }
    return new RegionUsage(u.admitted() + ep.pendingAdmitted, u.demand() + ep.pendingDemand,
        u.sealed() ? u.allocation() : ep.candidate, u.sealed() ? u.sealedDemand()
        : ep.candidateDemand);
  }

  /** Whether anything happened in epochs {@code e - 1} or {@code e} (else the slot is dropped). */
  synchronized boolean active(long e) {
    for (long x = e - 1; x <= e; x++) {
      Epoch ep = epochs.get(x);
      if (ep != null && (ep.pendingDemand > 0 || ep.view.regions().values().stream()
          .anyMatch(u -> u.demand() > 0))) {
        return true;
      }
    }
    return false;
  }

  /** Whether this instance has its own demand in epoch {@code e} (to announce the slot). */
  synchronized boolean ownDemand(long e) {
    Epoch ep = epochs.get(e);
    return ep != null && (ep.pendingDemand > 0 || ep.view.get(region).demand() > 0);
  }
}
