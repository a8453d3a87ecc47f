import { longestGapSeconds } from "./schedule";

/** Route 53 health checks of this fleet (and the NLB target groups): the fast interval, the default threshold. */
export const HEALTH_CHECK = { requestIntervalSeconds: 10, failureThreshold: 3 } as const;

/**
 * Once an endpoint's health changes, Global Accelerator moves new connections in about 30 s,
 * with no DNS TTL in the way (AWS Global Accelerator developer guide, "How failover works for
 * unhealthy endpoints": routing returns to healthy endpoints "in about 30 seconds").
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
 * A mounted ConfigMap's new keys reach the pod within the kubelet's sync period (1 min by
 * default) plus its cache's propagation delay, zero with the default watch-based detection
 * (Kubernetes docs, "ConfigMaps": "Mounted ConfigMaps are updated automatically"). The
 * gateway reads its answers from such a mount on every request.
 */
export const CONFIGMAP_PROJECTION_SECONDS = 60;

/**
 * The parts of a promotion no setting bounds; a game day measures them (docs/RUNBOOK.md,
 * section 6). Change them here when yours differ.
 */
export const PROMOTION_ASSUMPTIONS = {
  /** From the page to a merged `npm run failover` commit: decide, run, review, merge. */
  decideAndMergeSeconds: 300,
  /** A push webhook delivered by the Git provider and the agent fetching the commit (docs/HIGH-AVAILABILITY.md, "Webhook receivers"). */
  webhookPickupSeconds: 10,
  /**
   * Karpenter launching the nodes a full-scale apps layer needs: EC2 launch, boot, join, CNI
   * ready. No AWS figure bounds it; Karpenter's `karpenter_pods_startup_duration_seconds`
   * (karpenter.sh metrics reference) measures it with the next term.
   */
  nodeProvisioningSeconds: 120,
  /** Scheduling, image pull, readiness probes. */
  podsReadySeconds: 120,
} as const;

export type Standby = "warm" | "pilot-light";
export type GitopsEngine = keyof typeof GITOPS_PICKUP_SECONDS;

/** One step of a recovery path: what happens and how long it takes. */
export interface RecoveryTerm {
  readonly what: string;
  readonly seconds: number;
}

/** A way the fleet recovers from losing its serving cluster: its total and the terms that add up to it. */
export interface RecoveryPath {
  readonly seconds: number;
  readonly terms: readonly RecoveryTerm[];
}

export interface DrFigures {
  /** The recovery time the design guarantees for a lost region: the automatic path where it restores service, else the deliberate one. */
  readonly rtoSeconds: number;
  readonly rpoSeconds: number;
  /**
   * A hard failure, nobody acting: health checks move traffic to a cluster that serves it.
   * `capacity` says what clients find there: everything (active-active), the warm replicas,
   * or nothing (a pilot light has no apps running until it is promoted). Absent where health
   * checks alone cannot move traffic (active-passive behind Global Accelerator).
   */
  readonly automatic?: RecoveryPath & { readonly capacity: "full" | "reduced" | "none" };
  /**
   * The promotion (`npm run failover`, one commit): from the failure until the promoted
   * cluster serves at full scale, with the agents polling Git; `withWebhookSeconds` when
   * the push webhook reaches them. Active-passive only.
   */
  readonly deliberate?: RecoveryPath & { readonly withWebhookSeconds: number };
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

const sum = (terms: readonly RecoveryTerm[]) => terms.reduce((total, t) => total + t.seconds, 0);

/**
 * Recovery objectives the fleet's design guarantees, computed from its settings, per path:
 * automatic (detection, then the TTL or the accelerator's shift) and deliberate (the page,
 * the merged promotion, the agent's pickup, then the longer of the health answers flipping
 * and the apps scaling to full size). RPO = longest gap between two backup starts + the
 * longest backup (a backup restores the state at its start, and is usable in the other
 * region only once its last object has replicated) + the replication bound (for 99.99% of
 * objects).
 */
export function drFigures(input: DrInput): DrFigures {
  const { requestIntervalSeconds: interval, failureThreshold: threshold } = HEALTH_CHECK;
  const detection: RecoveryTerm = input.accelerator
    ? { what: `the NLB target group marks the gateway unhealthy (${threshold} failed checks ${interval} s apart)`, seconds: interval * threshold }
    : { what: `Route 53 marks the cluster unhealthy (${threshold} failed checks ${interval} s apart)`, seconds: interval * threshold };
  const shift: RecoveryTerm = input.accelerator
    ? { what: "Global Accelerator moves new connections", seconds: ACCELERATOR_SHIFT_SECONDS }
    : { what: "resolvers drop the old answer (record TTL)", seconds: input.ttl };
  const backupGap = longestGapSeconds(input.schedule);

  const automaticTerms = [detection, shift];
  const automatic =
    input.mode === "active-active"
      ? { seconds: sum(automaticTerms), terms: automaticTerms, capacity: "full" as const }
      : input.accelerator
        ? undefined
        : { seconds: sum(automaticTerms), terms: automaticTerms, capacity: input.standby === "pilot-light" ? ("none" as const) : ("reduced" as const) };
  const deliberate = input.mode === "active-passive" ? deliberatePath(input, detection) : undefined;
  const rtoSeconds = automatic && automatic.capacity !== "none" ? automatic.seconds : deliberate!.seconds;

  return {
    rtoSeconds,
    rpoSeconds: backupGap + input.backupDurationSeconds + REPLICATION_BOUND_SECONDS,
    ...(automatic ? { automatic } : {}),
    ...(deliberate ? { deliberate } : {}),
    notes: [
      ...automaticNotes(input, automatic),
      ...(deliberate ? deliberateNotes(input, deliberate) : []),
      `RPO: backups start on '${input.schedule}' (longest gap ${backupGap} s), each restores the state at its start and runs up to ${input.backupDurationSeconds} s (backup.maxDuration, assumed: measure it), then its last objects replicate to the partner region within ${REPLICATION_BOUND_SECONDS / 60} minutes.`,
      `RPO assumes S3 Replication Time Control's bound, which holds for ${REPLICATION_BOUND_SHARE} of objects, not all: a replication rule running later than ${REPLICATION_BOUND_SECONDS / 60} minutes raises its latency alarm within minutes, and a restore then needs the newest backup whose objects all replicated (docs/RUNBOOK.md, section 5).`,
      "RPO covers Kubernetes objects and file-system backups of volumes; databases need their own cross-region replication.",
    ],
  };
}

function deliberatePath(input: DrInput, detection: RecoveryTerm): RecoveryPath & { withWebhookSeconds: number } {
  const { decideAndMergeSeconds, webhookPickupSeconds, nodeProvisioningSeconds, podsReadySeconds } = PROMOTION_ASSUMPTIONS;
  const { requestIntervalSeconds: interval, failureThreshold: threshold } = HEALTH_CHECK;
  const agent = input.engine === "flux" ? "Flux" : "Argo CD";
  // The promoted cluster's new answers reach its gateway, then its checks turn healthy.
  const answers = CONFIGMAP_PROJECTION_SECONDS + interval * threshold + (input.accelerator ? ACCELERATOR_SHIFT_SECONDS : input.ttl);
  const scaleUp = nodeProvisioningSeconds + podsReadySeconds;
  const terms: RecoveryTerm[] = [
    { what: "someone is paged: the health checks see the failure", seconds: detection.seconds },
    { what: "npm run failover committed and merged (assumed)", seconds: decideAndMergeSeconds },
    { what: `${agent} picks up the commit by polling`, seconds: GITOPS_PICKUP_SECONDS[input.engine] },
    {
      what:
        `in parallel, the longer of: the gateway's new answers (kubelet ${CONFIGMAP_PROJECTION_SECONDS} s, health checks ${interval * threshold} s, ` +
        `${input.accelerator ? `accelerator ${ACCELERATOR_SHIFT_SECONDS} s` : `TTL ${input.ttl} s`}: ${answers} s) and the apps at full scale ` +
        `(new nodes ${nodeProvisioningSeconds} s, pods ready ${podsReadySeconds} s, assumed: ${scaleUp} s)`,
      seconds: Math.max(answers, scaleUp),
    },
  ];
  const seconds = sum(terms);
  return { seconds, terms, withWebhookSeconds: seconds - GITOPS_PICKUP_SECONDS[input.engine] + webhookPickupSeconds };
}

function automaticNotes(input: DrInput, automatic: DrFigures["automatic"]): string[] {
  const answers =
    "Each cluster's gateway answers the health path 200 only while the rendered tree says the cluster serves; the records and endpoint groups never change with roles.";
  if (input.mode === "active-active") {
    return [
      `RTO: ${automatic!.terms.map((t) => `${t.what} (${t.seconds} s)`).join(", then ")}.`,
      answers,
      "RTO assumes every cluster runs the apps and has the capacity to absorb a lost region's traffic (autoscaling included). No deploy is involved.",
    ];
  }
  if (!automatic) {
    return [
      "Automatic failover: none that restores service. Only the primary answers 'serving', so when its region is lost no endpoint is healthy and Global Accelerator fails open: each client goes to a random endpoint of its closest region, the failed one included (AWS Global Accelerator developer guide, \"How failover works for unhealthy endpoints\"). Traffic recovers with the promotion.",
      answers,
    ];
  }
  const found =
    automatic.capacity === "reduced"
      ? "the warm standby's apps at their warm replica count (annotation eks-fleet.io/warm-replicas, default 1) with HorizontalPodAutoscaler minimums lowered to match; CronJobs and Jobs stay suspended until the promotion"
      : "no apps: a pilot light runs them at zero until it is promoted, so clients reach the gateway but not the service";
  return [
    `Automatic failover (${automatic.seconds} s): ${automatic.terms.map((t) => `${t.what} (${t.seconds} s)`).join(", then ")}; Route 53 then answers with the takeover standby (the primary's backup partner), every client alike. Clients find ${found}.`,
    answers,
    "Automatic failover assumes Route 53's data plane (health checks, answers) works during the outage; no Pulumi run and no Route 53 API call is involved.",
  ];
}

function deliberateNotes(input: DrInput, deliberate: RecoveryPath & { withWebhookSeconds: number }): string[] {
  return [
    `Promotion (${deliberate.seconds} s; ${deliberate.withWebhookSeconds} s when the push webhook reaches the agents): ${deliberate.terms.map((t) => `${t.what} (${t.seconds} s)`).join("; ")}.`,
    `The promotion is one Git commit; the agents apply it in every surviving cluster. It calls no AWS API and needs nothing in the failed region: ${input.accelerator ? "the endpoint groups" : "the records"} stay as they are and the health answers change.`,
    "Assumed terms live in fleet/dr.ts (PROMOTION_ASSUMPTIONS); a game day measures them (docs/RUNBOOK.md, section 6).",
  ];
}
