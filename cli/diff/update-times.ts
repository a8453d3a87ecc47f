import { creationTime, CreationTime } from "../creation-times";

/**
 * Typical times of the updates the diff warns about, each with where it comes from: a control
 * plane version update and the phases of a managed node group rollout. Typical wall times, not
 * timeouts; the bounds AWS documents are named where they exist.
 */
export const UPDATE_TIMES = {
  controlPlaneUpgrade: {
    seconds: 600,
    source: "EKS User Guide clusters/update-cluster.adoc (\"The update takes several minutes\"); about 10 min commonly reported; provider update timeout 60 min (hashicorp/terraform-provider-aws internal/service/eks/cluster.go)",
  },
  /** New nodes launching and joining, as when the group was created. */
  nodeLaunch: creationTime("aws:eks/nodeGroup:NodeGroup"),
  nodeDrain: {
    seconds: 120,
    source: "EKS User Guide nodes/managed-node-update-behavior.adoc: each node is drained (pods evicted; the update fails after 15 min of pods that PDBs hold), then cordoned with a 60 s wait; about 60 s of eviction assumed",
  },
} as const satisfies Record<string, CreationTime>;

/** How EKS rolls a managed node group (EKS User Guide nodes/managed-node-update-behavior.adoc). */
export interface Rollout {
  /** Nodes launched at once in the scale-up phase: the larger of twice the zones and the maximum unavailable. */
  readonly surge: number;
  /** Old nodes drained and terminated at a time. */
  readonly maxUnavailable: number;
  /** Zones the group spans: one subnet each. */
  readonly zones: number;
  readonly nodes: number;
  /** Launch once, then each batch of `maxUnavailable` drained in turn. */
  readonly seconds: number;
}

export function rolloutOf(inputs: Record<string, any>): Rollout {
  const nodes = Number(inputs.scalingConfig?.desiredSize ?? 1);
  const update = inputs.updateConfig ?? {};
  // update_config defaults to one node (managed-node-update-behavior.adoc, setup phase).
  const maxUnavailable = update.maxUnavailable ?? (update.maxUnavailablePercentage ? Math.max(1, Math.floor((nodes * update.maxUnavailablePercentage) / 100)) : 1);
  const zones = Array.isArray(inputs.subnetIds) ? inputs.subnetIds.length : 1;
  const surge = Math.max(2 * zones, maxUnavailable);
  const seconds = UPDATE_TIMES.nodeLaunch.seconds + Math.ceil(nodes / maxUnavailable) * UPDATE_TIMES.nodeDrain.seconds;
  return { surge, maxUnavailable, zones, nodes, seconds };
}

/** `12 min`, `1 h 5 min`. */
export function minutes(seconds: number): string {
  const m = Math.round(seconds / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ""}` : `${m} min`;
}
