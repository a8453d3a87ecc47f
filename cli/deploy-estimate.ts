import { creationTime } from "./creation-times";
import { DeployRunner, workflowRunner } from "./deploy-runner";
import { scheduleDeploy, StackRun } from "./deploy-schedule";
import { DependencyGraph, GraphResource } from "./engine/graph";

/** What the estimate needs of a `plan.json` resource. */
export interface EstimatedResource extends GraphResource {
  readonly type: string;
  readonly region?: string | null;
  /** The stack the resource is deployed with; absent: the plan's one stack. */
  readonly stack?: string;
}

/** `plan.json` `estimate`: how long a first deploy of the plan takes, and why. */
export interface DeployEstimate {
  /** Expected wall time of a first deploy on the workflows' runner: `slotsPerStack` operations in flight per stack. */
  readonly firstUpSeconds: number;
  /** The runner the deploy workflow uses, and how many operations it keeps in flight. */
  readonly runner: DeployRunner;
  /** The same deploy with unbounded parallelism, stacks and operations alike: the stacks' order still holds. */
  readonly unboundedSeconds: number;
  /** The longest chain through `dependsOn` and parents: no deploy of this graph is shorter. */
  readonly criticalPathSeconds: number;
  /** That chain, first resource first (URNs of resources that take time). */
  readonly criticalPath: string[];
  /** Each stack's update at the runner's parallelism, in the order they finish. */
  readonly stacks: StackRun[];
  readonly assumptions: string[];
}

export interface EstimateOptions {
  /** The stack of resources that name none (the plan's stack). @default "stack" */
  readonly stack?: string;
  /** @default the deploy workflow's runner */
  readonly runner?: DeployRunner;
  /**
   * The stages the orchestrator and CI deploy a first time in (deploy/stacks.ts `deployStages`
   * with every stack new): each after the one before. @default none: stacks wait only for the
   * stacks their resources wait for
   */
  readonly stages?: readonly (readonly string[])[];
  /** The deploy workflow's matrix job of a stack (deploy/matrix.ts), whose max-parallel bounds its stage. */
  readonly jobOf?: (stack: string) => string;
}

export const ESTIMATE_ASSUMPTIONS = [
  "every resource is created (first deploy); updates are usually far shorter",
  "each stack is one pulumi up with its own slots (one CI job per stack); stacks deploy in the orchestrator's stages (fleet, clusters, links; on a first deploy every cluster stack in one stage), a stage once the one before has finished, its stacks as its matrix job has free places (max-parallel); no account limit on concurrent jobs",
  "within a stack a resource is registered once everything in its dependsOn and its parent exist, then queues for a slot, first come first served, and holds it until its create returns (pulumi/pulumi pkg/resource/deploy/step_executor.go)",
  "typical creation time per resource type (cli/creation-times.ts), no retries, throttling or quota waits, no time to start the program or load plugins",
];

/** The figures of a first deploy: on the workflows' runner, unbounded, and the critical path. */
export function deployEstimate(resources: readonly EstimatedResource[], options: EstimateOptions = {}): DeployEstimate {
  const graph = new DependencyGraph(resources);
  const durationOf = (r: EstimatedResource) => creationTime(r.type, r.region).seconds;
  const stackOf = (r: EstimatedResource) => r.stack ?? options.stack ?? "stack";
  const runner = options.runner ?? workflowRunner();
  const { stages, jobOf } = options;
  const stackSlots = (stage: readonly string[]) => (jobOf && runner.stacksInParallelByJob?.[jobOf(stage[0])]) || runner.stacksInParallel || Infinity;
  const onRunner = scheduleDeploy(graph, { durationOf, stackOf, slots: runner.slots, stackSlots, stages });
  const unbounded = scheduleDeploy(graph, { durationOf, stackOf, slots: Infinity, stages });
  const { seconds, path } = criticalPath(graph, durationOf);
  return {
    firstUpSeconds: onRunner.seconds,
    runner,
    unboundedSeconds: unbounded.seconds,
    criticalPathSeconds: seconds,
    criticalPath: path,
    stacks: onRunner.stacks,
    assumptions: ESTIMATE_ASSUMPTIONS,
  };
}

/**
 * The longest chain: each resource finishes at the latest finish among what it waits for
 * plus its own creation time; the last finish is the chain's length.
 */
function criticalPath<R extends EstimatedResource>(graph: DependencyGraph<R>, durationOf: (r: R) => number): { seconds: number; path: string[] } {
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  for (const urn of graph.topologicalOrder()) {
    // Ties go to the smallest URN, so the printed path is stable from run to run.
    const slowest = graph.waitsOn(urn).sort().reduce<string | undefined>((best, dep) => (best === undefined || finish.get(dep)! > finish.get(best)! ? dep : best), undefined);
    finish.set(urn, (slowest ? finish.get(slowest)! : 0) + durationOf(graph.resource(urn)));
    via.set(urn, slowest);
  }
  const last = [...finish.keys()].sort().reduce<string | undefined>((best, urn) => (best === undefined || finish.get(urn)! > finish.get(best)! ? urn : best), undefined);
  const path: string[] = [];
  for (let urn = last; urn !== undefined; urn = via.get(urn)) {
    if (durationOf(graph.resource(urn)) > 0) path.unshift(urn);
  }
  return { seconds: last ? finish.get(last)! : 0, path };
}
