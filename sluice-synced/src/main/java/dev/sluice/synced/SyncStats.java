package dev.sluice.synced;

/**
 * What a {@link SyncedEngine} knows of its syncing, for {@code /readyz} details and metrics.
 * Times are microseconds of the engine's time source (durations of a round: of the machine).
 *
 * @param instanceId this instance's id in Redis
 * @param intervalMicros the sync interval
 * @param rounds sync rounds run
 * @param failedRounds rounds in which some command failed or timed out
 * @param consecutiveFailures failed rounds since the last complete one; 0 when in sync
 * @param lastSyncAgeMicros how old this instance's view of the cluster is: time since the last
 *     complete round, or -1 if none has completed. Up to one interval is normal; the sync lag
 *     beyond that is {@code lastSyncAgeMicros - intervalMicros}
 * @param lastRoundMicros how long the last round took, wall-clock microseconds
 * @param pendingKeys clients waiting for the next round
 * @param trackedKeys clients whose state this instance holds
 * @param liveInstances the instances the shares are divided among (heartbeats, at least the
 *     expected number)
 * @param commandsSent Redis commands sent (script calls, each with many clients)
 * @param checks checks decided
 * @param shareDenials checks denied by a hot key's share although the view had room
 * @param restartsDetected times Redis was found to have lost the counts (and all were re-pushed)
 * @param lastError the last failure, or null
 */
public record SyncStats(String instanceId, long intervalMicros, long rounds, long failedRounds,
    int consecutiveFailures, long lastSyncAgeMicros, long lastRoundMicros, long pendingKeys,
    long trackedKeys, int liveInstances, long commandsSent, long checks, long shareDenials,
    long restartsDetected, String lastError) {

  /** Redis commands per check so far; 0 before the first check. */
  public double commandsPerCheck() {
    return checks == 0 ? 0 : (double) commandsSent / checks;
  }

  /** Whether the last round completed and the view is at most two intervals old. */
  public boolean inSync() {
    return consecutiveFailures == 0 && lastSyncAgeMicros >= 0
        && lastSyncAgeMicros <= 2 * intervalMicros;
  }
}
