package dev.sluice.synced;

/**
 * What a {@link LeasedEngine} knows of its leases, for {@code /readyz} details and metrics. Times
 * are microseconds of the engine's time source (durations of a round: of the machine).
 *
 * @param instanceId this instance's id in Redis
 * @param intervalMicros the sync interval (how often leases are renewed, topped up, returned)
 * @param leaseTtlMicros how long a lease lives in Redis without renewal
 * @param rounds rounds run
 * @param failedRounds rounds in which some command failed or timed out
 * @param consecutiveFailures failed rounds since the last complete one; 0 when in sync
 * @param lastSyncAgeMicros time since the last complete round, or -1 if none has completed
 * @param lastRoundMicros how long the last round took, wall-clock microseconds
 * @param lastRoundKeys clients reported in the last round
 * @param trackedKeys clients whose state this instance holds
 * @param leasedPermits permits held in unexpired leases and not spent, all pools
 * @param grantedPermits permits the pools granted this instance so far
 * @param commandsSent Redis commands sent (script calls, each with many clients, and marks)
 * @param checks checks decided
 * @param leaseMisses checks denied for want of a lease while the pool was not known to be empty
 * @param restartsDetected times Redis was found to have lost the pools
 * @param inGrace whether no new permits are taken now (just after Redis lost its data)
 * @param lastError the last failure, or null
 */
public record LeaseStats(String instanceId, long intervalMicros, long leaseTtlMicros,
    long rounds, long failedRounds, int consecutiveFailures, long lastSyncAgeMicros,
    long lastRoundMicros, long lastRoundKeys, long trackedKeys, long leasedPermits,
    long grantedPermits, long commandsSent, long checks, long leaseMisses,
    long restartsDetected, boolean inGrace, String lastError) {

  /** Redis commands per check so far; 0 before the first check. */
  public double commandsPerCheck() {
    return checks == 0 ? 0 : (double) commandsSent / checks;
  }
}
