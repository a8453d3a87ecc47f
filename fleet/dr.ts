import { longestGapSeconds } from "./schedule";

/** Route 53 health checks of this fleet: the fast interval, the default threshold. */
export const HEALTH_CHECK = { requestIntervalSeconds: 10, failureThreshold: 3 } as const;

/**
 * With Global Accelerator, detection is the NLB target group's health check (the same 10 s ×
 * 3) and the accelerator moves new connections to a healthy endpoint group in about 30 s,
 * with no DNS TTL in the way (AWS Global Accelerator developer guide, "Health check options").
 */
export const ACCELERATOR_SHIFT_SECONDS = 30;

/**
 * S3 Replication Time Control's bound: 99.99% of objects replicate within 15 minutes (its SLA;
 * AWS S3 user guide, "Meeting compliance requirements with S3 Replication Time Control"), not
 * all of them. The rest carry no bound: each replication rule's latency alarm
 * (components/backup-replication.ts) reports a rule that falls behind it.
 */
export const REPLICATION_BOUND_SECONDS = 15 * 60;
/** The share of objects the bound holds for. */
export const REPLICATION_BOUND_SHARE = "99.99%";

/**
 * How long after a commit each GitOps agent applies it, without a webhook: Flux polls the
 * fleet's GitRepository every minute (components/flux-agent.ts) and its Kustomizations react
 * to a new revision at once; Argo CD polls every `timeout.reconciliation`, 180 s by default
 * (argoproj/argo-cd docs/operator-manual/argocd-cm.yaml).
 */
export const GITOPS_PICKUP_SECONDS = { flux: 60, argocd: 180 } as const;

/**
 * The parts of a pilot-light promotion no setting bounds; a game day measures them
 * (docs/RUNBOOK.md, section 5). Change them here when yours differ.
 */
export const PROMOTION_ASSUMPTIONS = {
  /** From the page to a merged `npm run failover` commit: decide, run, review, merge. */
  decideAndMergeSeconds: 300,
  /** Scheduling on the standby's running nodes, image pull, readiness probes. */
  podsReadySeconds: 120,
} as const;

export type Standby = "warm" | "pilot-light";
export type GitopsEngine = keyof typeof GITOPS_PICKUP_SECONDS;

export interface DrFigures {
  readonly rtoSeconds: number;
  readonly rpoSeconds: number;
  readonly notes: readonly string[];
}

export interface DrInput {
  readonly ttl: number;
  readonly schedule: string;
  /** `backup.maxDuration`: the longest one backup runs until its last object is written. */
  readonly backupDurationSeconds: number;
  readonly mode: "active-active" | "active-passive";
  /** Active-passive only. */
  readonly standby?: Standby;
  readonly engine: GitopsEngine;
  /** `dns.globalAccelerator`: the accelerator, not Route 53, moves traffic. */
  readonly accelerator?: boolean;
}

/**
 * Recovery objectives the fleet's design guarantees, computed from its settings:
 * RTO = failure detection (interval × threshold), then the longer of the record TTL (or
 * Global Accelerator's shift) and,
 * for a pilot light, the promotion (merge + agent pickup + pods ready);
 * RPO = longest gap between two backup starts + the longest backup (a backup restores the
 * state at its start, and is usable in the other region only once its last object has
 * replicated) + the replication bound (for 99.99% of objects).
 */
export function drFigures(input: DrInput): DrFigures {
  const detection = HEALTH_CHECK.requestIntervalSeconds * HEALTH_CHECK.failureThreshold;
  const backupGap = longestGapSeconds(input.schedule);
  // What follows detection before clients reach the survivor: the TTL, or the accelerator's shift.
  const shift = input.accelerator ? ACCELERATOR_SHIFT_SECONDS : input.ttl;
  const rto = rtoOf(input, detection, shift);
  return {
    rtoSeconds: rto.seconds,
    rpoSeconds: backupGap + input.backupDurationSeconds + REPLICATION_BOUND_SECONDS,
    notes: [
      input.accelerator
        ? `RTO: the NLB target group marks a cluster's gateway unhealthy after ${HEALTH_CHECK.failureThreshold} failed checks ${HEALTH_CHECK.requestIntervalSeconds} s apart (${detection} s), then Global Accelerator moves new connections to a healthy endpoint group (about ${ACCELERATOR_SHIFT_SECONDS} s); no DNS TTL is involved.`
        : `RTO: Route 53 marks a cluster unhealthy after ${HEALTH_CHECK.failureThreshold} failed checks ${HEALTH_CHECK.requestIntervalSeconds} s apart (${detection} s), then resolvers drop the old answer within the TTL (${input.ttl} s).`,
      ...rto.notes,
      input.accelerator
        ? "RTO assumes each cluster's gateway answers its health check only while the cluster can serve, and that Global Accelerator's data plane works during the outage; moving its traffic dials (pulumi up) is not on the traffic path."
        : "RTO assumes each cluster's gateway answers its health check only while the cluster can serve, and that Route 53's data plane (health checks, answers) works during the outage; updating the records (pulumi up --target) is not on the traffic path.",
      `RPO: backups start on '${input.schedule}' (longest gap ${backupGap} s), each restores the state at its start and runs up to ${input.backupDurationSeconds} s (backup.maxDuration, assumed: measure it), then its last objects replicate to the partner region within ${REPLICATION_BOUND_SECONDS / 60} minutes.`,
      `RPO assumes S3 Replication Time Control's bound, which holds for ${REPLICATION_BOUND_SHARE} of objects, not all: a replication rule running later than ${REPLICATION_BOUND_SECONDS / 60} minutes raises its latency alarm within minutes, and a restore then needs the newest backup whose objects all replicated (docs/RUNBOOK.md, section 5).`,
      "RPO covers Kubernetes objects and file-system backups of volumes; databases need their own cross-region replication.",
    ],
  };
}

function rtoOf(input: DrInput, detection: number, shift: number): { seconds: number; notes: string[] } {
  if (input.mode === "active-active") {
    return { seconds: detection + shift, notes: ["RTO assumes every cluster runs the apps and has the capacity to absorb a lost region's traffic (autoscaling included). No deploy is involved."] };
  }
  if (input.standby !== "pilot-light") {
    return {
      seconds: detection + shift,
      notes: [
        "Warm standby: a secondary reconciles its apps layer with every Deployment and StatefulSet at its warm replica count (annotation eks-fleet.io/warm-replicas, default 1) and HorizontalPodAutoscaler minimums lowered to match, so DNS alone moves traffic. No deploy is involved.",
        "RTO assumes the warm replicas (and their autoscalers) carry the load until the promotion restores full scale, and that apps running on a standby tolerate it (e.g. they write only to a primary database). CronJobs and Jobs stay suspended on a standby.",
      ],
    };
  }
  const pickup = GITOPS_PICKUP_SECONDS[input.engine];
  const { decideAndMergeSeconds, podsReadySeconds } = PROMOTION_ASSUMPTIONS;
  const promotion = decideAndMergeSeconds + pickup + podsReadySeconds;
  return {
    seconds: detection + Math.max(shift, promotion),
    notes: [
      "Pilot light: a secondary's apps are rendered scaled to zero (CronJobs and Jobs suspended), so traffic that DNS moves finds no apps until the secondary is promoted.",
      `RTO includes the promotion (${promotion} s, overlapping the TTL): npm run failover merged (assumed ${decideAndMergeSeconds} s), ${input.engine === "flux" ? "Flux" : "Argo CD"} picking up the commit (${pickup} s), pods ready (assumed ${podsReadySeconds} s). The pulumi up --target of the surviving side runs beside it and only holds the DNS records.`,
      "RTO assumes the secondary's node group (nodes.desired) can schedule the apps at full scale without waiting for new nodes.",
    ],
  };
}
