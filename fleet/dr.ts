import { longestGapSeconds } from "./schedule";

/** Route 53 health checks of this fleet: the fast interval, the default threshold. */
export const HEALTH_CHECK = { requestIntervalSeconds: 10, failureThreshold: 3 } as const;

/** AWS's bound for S3 Replication Time Control: 99.99% of objects within 15 minutes. */
export const REPLICATION_BOUND_SECONDS = 15 * 60;

export interface DrFigures {
  readonly rtoSeconds: number;
  readonly rpoSeconds: number;
  readonly notes: readonly string[];
}

/**
 * Recovery objectives the fleet's design guarantees, computed from its settings:
 * RTO = failure detection (interval × threshold) + record TTL;
 * RPO = longest gap between two backups + the replication bound.
 */
export function drFigures(input: { ttl: number; schedule: string; mode: string }): DrFigures {
  const detection = HEALTH_CHECK.requestIntervalSeconds * HEALTH_CHECK.failureThreshold;
  const backupGap = longestGapSeconds(input.schedule);
  return {
    rtoSeconds: detection + input.ttl,
    rpoSeconds: backupGap + REPLICATION_BOUND_SECONDS,
    notes: [
      `RTO: Route 53 marks a cluster unhealthy after ${HEALTH_CHECK.failureThreshold} failed checks ${HEALTH_CHECK.requestIntervalSeconds} s apart (${detection} s), then resolvers drop the old answer within the TTL (${input.ttl} s). No deploy is involved.`,
      input.mode === "active-passive"
        ? "RTO assumes the warm standby already runs the apps it must serve; promoting it (failover + pulumi up) resumes its GitOps apps layer and is not on the traffic path."
        : "RTO assumes every cluster has the capacity to absorb a lost region's traffic.",
      `RPO: backups run on '${input.schedule}' (longest gap ${backupGap} s) and replicate to the partner region within ${REPLICATION_BOUND_SECONDS / 60} minutes (S3 Replication Time Control).`,
      "RPO covers Kubernetes objects and file-system backups of volumes; databases need their own cross-region replication.",
    ],
  };
}
