import { DrFigures, FleetSpec, PROJECT, RolloutState } from "../fleet";
import type { CostEstimate } from "../cost/estimate";
import { DeployEstimate, deployEstimate } from "./deploy-estimate";
import { rolloutSchedule, RolloutSchedule } from "../operations/rollout/schedule";
import { sortViolations, Violation } from "../policies/violation";
import { RecordedResource } from "./engine/recording-monitor";
import { sortKeys } from "./write";
import { planStacks, PlanStack } from "../deploy/plan-stacks";
import { stageJobOf } from "../deploy/matrix";
import { deployStages } from "../deploy/stacks";
import { clusterOfComponent } from "../fleet/ownership";

export interface PlanResource {
  readonly urn: string;
  /** The Pulumi stack that holds it: the plan's stack, or one of its per-cluster fleet's stacks (deploy/stacks.ts). */
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly cluster: string | null;
  readonly region: string | null;
  /** URNs this resource waits for at deploy time (see `RecordedResource.dependsOn`). */
  readonly dependsOn: string[];
  readonly inputs: Record<string, unknown>;
  /** Per input property, the URNs whose outputs flow into it; only properties that have any. */
  readonly propertyDependencies?: Record<string, string[]>;
  /** Set (true) only for a resource with that option: deleting it needs a deliberate step. */
  readonly protect?: boolean;
  readonly retainOnDelete?: boolean;
  /** Resource options the engine diffs and replaces by, present only when set (see `RecordedResource`). */
  readonly ignoreChanges?: string[];
  readonly replaceOnChanges?: string[];
  readonly replacementTrigger?: unknown;
  readonly replaceWith?: string[];
  readonly deleteBeforeReplace?: boolean;
  /** Set (true) only when a replacement deletes the old resource before creating the new one. */
  /** URNs whose state this resource takes over (Pulumi aliases), only when set. */
  readonly aliases?: string[];
}

/** `plan.json`: stable, sorted, no timestamps, secrets shown as "[secret]". */
export interface PlanDocument {
  readonly stack: string;
  readonly project: string;
  readonly clusters: { readonly name: string; readonly region: string; readonly role: string }[];
  readonly resources: PlanResource[];
  readonly violations: Violation[];
  readonly dr: DrFigures;
  /** Expected wall time of a first deploy on the workflows' runner, unbounded, and its critical path, from `dependsOn`. */
  readonly estimate: DeployEstimate;
  /** Each stack of the fleet with its resource count and what it reads, in deploy order (absent in plans of older code). */
  readonly stacks?: PlanStack[];
  /** The waves a change goes through, where each stands and the time to reach the whole fleet (absent in plans of older code). */
  readonly rollout?: RolloutSchedule;
  /** Monthly cost of what the plan creates (cost/); absent in plans made before it existed. */
  readonly cost?: CostEstimate;
}

const CLUSTER_TAG = "eks-fleet/cluster";

/** `stackOf`: each resource's stack by URN, when the fleet is several stacks (cli/engine/plan-stack.ts); else `stack`. */
export function planDocument(stack: string, spec: FleetSpec, recorded: readonly RecordedResource[], violations: readonly Violation[], rolloutState?: RolloutState, stackOf?: ReadonlyMap<string, string>): PlanDocument {
  const byUrn = new Map(recorded.map((r) => [r.urn, r]));
  const clusterNames = new Set(spec.clusters.map((c) => c.name));
  const clusterOf = (resource: RecordedResource): string | null => {
    for (let r: RecordedResource | undefined = resource; r; r = r.parent ? byUrn.get(r.parent) : undefined) {
      const owner = clusterOfComponent(r.type, r.name, clusterNames);
      if (owner) return owner;
    }
    // Per-cluster resources parented elsewhere (DNS, secrets) say whose they are by tag.
    const tag = (resource.inputs.tags as Record<string, unknown> | undefined)?.[CLUSTER_TAG];
    return typeof tag === "string" && clusterNames.has(tag) ? tag : null;
  };
  const resources = recorded
    .map((r) => ({
      urn: r.urn,
      stack: stackOf?.get(r.urn) ?? stack,
      type: r.type,
      name: r.name,
      parent: r.parent,
      cluster: clusterOf(r),
      region: r.region,
      dependsOn: r.dependsOn,
      inputs: sortKeys(r.inputs) as Record<string, unknown>,
      ...(r.propertyDependencies ? { propertyDependencies: sortKeys(r.propertyDependencies) as Record<string, string[]> } : {}),
      ...(r.protect ? { protect: true } : {}),
      ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
      ...(r.ignoreChanges ? { ignoreChanges: r.ignoreChanges } : {}),
      ...(r.replaceOnChanges ? { replaceOnChanges: r.replaceOnChanges } : {}),
      ...(r.replacementTrigger !== undefined ? { replacementTrigger: sortKeys(r.replacementTrigger) } : {}),
      ...(r.replaceWith ? { replaceWith: r.replaceWith } : {}),
      ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
      ...(r.aliases ? { aliases: r.aliases } : {}),
    }))
    .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  const stacks = planStacks(spec, stack, resources);
  return {
    stack,
    project: PROJECT,
    clusters: spec.clusters.map((c) => ({ name: c.name, region: c.region, role: c.role })),
    resources,
    violations: sortViolations(violations),
    dr: spec.dr,
    stacks,
    // A first deploy, as the orchestrator runs it: no stack holds anything yet.
    estimate: estimateOf(resources, stack, deployStages(spec, stack, () => true)),
    rollout: rolloutSchedule(spec, rolloutState),
  };
}

/** The deploy as CI runs it: each stage in its own job of the deploy workflow, as many stacks at once as that job allows. */
function estimateOf(resources: Parameters<typeof deployEstimate>[0], stack: string, stages: string[][]) {
  return deployEstimate(resources, { stack, stages, jobOf: stageJobOf(stages) });
}
