import { creationTime } from "./creation-times";
import { DependencyGraph, GraphResource } from "./engine/graph";

/** `plan.json` `estimate`: how long a first `pulumi up` of the plan takes, and why. */
export interface DeployEstimate {
  /** Expected wall time of a first `pulumi up`: the length of the critical path. */
  readonly firstUpSeconds: number;
  /** The longest chain through `dependsOn`, first resource first (URNs of resources that take time). */
  readonly criticalPath: string[];
  readonly assumptions: string[];
}

export const ESTIMATE_ASSUMPTIONS = [
  "every resource is created (first deploy); updates are usually far shorter",
  "unbounded parallelism, the default of `pulumi up --parallel`: a resource starts as soon as everything in its dependsOn and its parent exist",
  "typical creation time per resource type (cli/creation-times.ts), no retries, throttling or quota waits",
];

/**
 * The critical path of a first deploy: each resource finishes at the latest finish among
 * what it waits for plus its own creation time; the last finish is the wall time.
 */
export function deployEstimate(resources: readonly (GraphResource & { readonly type: string })[]): DeployEstimate {
  const graph = new DependencyGraph(resources);
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  for (const urn of graph.topologicalOrder()) {
    const resource = graph.resource(urn);
    // Ties go to the smallest URN, so the printed path is stable from run to run.
    const slowest = graph.waitsOn(urn).sort().reduce<string | undefined>((best, dep) => (best === undefined || finish.get(dep)! > finish.get(best)! ? dep : best), undefined);
    finish.set(urn, (slowest ? finish.get(slowest)! : 0) + creationTime(resource.type).seconds);
    via.set(urn, slowest);
  }
  const last = [...finish.keys()].sort().reduce<string | undefined>((best, urn) => (best === undefined || finish.get(urn)! > finish.get(best)! ? urn : best), undefined);
  const path: string[] = [];
  for (let urn = last; urn !== undefined; urn = via.get(urn)) {
    if (creationTime(graph.resource(urn).type).seconds > 0) path.unshift(urn);
  }
  return { firstUpSeconds: last ? finish.get(last)! : 0, criticalPath: path, assumptions: ESTIMATE_ASSUMPTIONS };
}
