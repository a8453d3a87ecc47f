import { FleetSpec, GITOPS_PICKUP_SECONDS, PROMOTION_ASSUMPTIONS, RolloutState } from "../../fleet";
import { followsSource } from "../../fleet/rollout-state";

/** One term of the time a change takes to reach the whole fleet, with where its figure comes from. */
export interface ScheduleTerm {
  readonly what: string;
  readonly seconds: number;
}

/** plan.json `rollout`: the waves, where each stands, and how long a change takes to reach every cluster. */
export interface RolloutSchedule {
  readonly waves: readonly {
    readonly name: string;
    readonly clusters: readonly string[];
    readonly bakeSeconds: number;
    /** The bake of a Kubernetes upgrade: inside EKS's 7-day rollback window. */
    readonly upgradeBakeSeconds: number;
    /** What the wave's clusters run now, from the tree's rollout.json (absent before the first render). */
    readonly kubernetesVersions: readonly string[];
  }[];
  /** Every change to the fleet's manifests or version reaches this wave first. */
  readonly firstWave: string;
  /** The waves that do not run the current source or version yet, in order. */
  readonly behind: readonly string[];
  readonly toWholeFleetSeconds: number;
  readonly terms: readonly ScheduleTerm[];
}

/**
 * A commit's apply, from the agent's pickup of the push to its health: the agent applies within
 * seconds, then the apps' rollout (pods scheduled, images pulled, readiness) takes about what a
 * promotion's pods take (fleet/dr.ts, PROMOTION_ASSUMPTIONS.podsReadySeconds). A game day measures it.
 */
const APPLY_SECONDS = PROMOTION_ASSUMPTIONS.podsReadySeconds;
/** CI commits and pushes a promotion (`rollout promote --watch` in a workflow): assumed. */
const PUSH_SECONDS = 60;

export function rolloutSchedule(spec: FleetSpec, state?: RolloutState): RolloutSchedule {
  const waves = spec.waves.map((w) => ({
    name: w.name,
    clusters: w.clusters,
    bakeSeconds: w.bakeSeconds,
    upgradeBakeSeconds: w.upgradeBakeSeconds,
    kubernetesVersions: [...new Set(w.clusters.map((c) => {
      const cluster = spec.clusters.find((x) => x.name === c)!;
      return followsSource(spec, cluster, state) ? spec.kubernetesVersion : state!.clusters[c].kubernetesVersion;
    }))],
  }));
  const behind = waves.filter((w, i) => i > 0 && w.kubernetesVersions.some((v) => v !== spec.kubernetesVersion)).map((w) => w.name);
  const pickup = PROMOTION_ASSUMPTIONS.webhookPickupSeconds;
  const n = spec.waves.length;
  const bakes = spec.waves.slice(0, -1);
  const terms: ScheduleTerm[] = [
    ...bakes.map((w) => ({ what: `wave ${w.name} bakes (rollout.waves bake)`, seconds: w.bakeSeconds })),
    { what: `${n} × the agents pick the push up through the webhook (${pickup} s; ${GITOPS_PICKUP_SECONDS[spec.gitops.engine]} s by polling without it, fleet/dr.ts)`, seconds: n * pickup },
    { what: `${n} × apply and the apps' pods ready (assumed ${APPLY_SECONDS} s, PROMOTION_ASSUMPTIONS.podsReadySeconds)`, seconds: n * APPLY_SECONDS },
    { what: `${n - 1} × at most one gate interval before the promotion (rollout.gateInterval)`, seconds: (n - 1) * spec.rollout.gateIntervalSeconds },
    { what: `${n - 1} × CI commits and pushes the promotion (assumed ${PUSH_SECONDS} s)`, seconds: (n - 1) * PUSH_SECONDS },
  ];
  return { waves, firstWave: spec.waves[0].name, behind, toWholeFleetSeconds: terms.reduce((t, x) => t + x.seconds, 0), terms };
}
