import { deployEstimate } from "../deploy-estimate";
import { Violation } from "../../policies/violation";
import { PlanDocument, PlanResource } from "../plan-document";

type PlanCluster = PlanDocument["clusters"][number];

/** Resources that belong to no cluster (providers, DNS, replicated secrets) group under this key. */
export const FLEET_WIDE = "(fleet-wide)";

export interface ClusterChange {
  readonly name: string;
  readonly kind: "added" | "removed" | "changed";
  readonly before?: PlanCluster;
  readonly after?: PlanCluster;
}

export interface ChangedResource {
  readonly resource: PlanResource;
  /** The same resource at the base. */
  readonly before: PlanResource;
  /** Dotted paths of the inputs that differ, e.g. `inputs.scalingConfig.desiredSize`. */
  readonly keys: readonly string[];
}

export interface ResourceChanges {
  readonly added: readonly PlanResource[];
  readonly removed: readonly PlanResource[];
  readonly changed: readonly ChangedResource[];
}

export interface PlanComparison {
  readonly clusters: readonly ClusterChange[];
  /** Per cluster name (or `FLEET_WIDE`), only groups with at least one change. */
  readonly resources: ReadonlyMap<string, ResourceChanges>;
  readonly violations: { readonly head: readonly Violation[]; readonly introduced: readonly Violation[]; readonly fixed: readonly Violation[] };
}

/** An empty plan: what a base without this stack (a PR adding it) compares as. */
export function emptyPlan(stack: string, project = "eks-fleet"): PlanDocument {
  return { stack, project, clusters: [], resources: [], violations: [], dr: { rtoSeconds: 0, rpoSeconds: 0, notes: [] }, estimate: deployEstimate([], { stack }) };
}

/** Compares two plan documents by cluster name and resource URN. Pure: no git, no files. */
export function comparePlans(base: PlanDocument, head: PlanDocument): PlanComparison {
  return {
    clusters: compareClusters(base.clusters, head.clusters),
    resources: compareResources(base.resources, head.resources),
    violations: compareViolations(base.violations, head.violations),
  };
}

function compareClusters(base: readonly PlanCluster[], head: readonly PlanCluster[]): ClusterChange[] {
  const before = new Map(base.map((c) => [c.name, c]));
  const after = new Map(head.map((c) => [c.name, c]));
  const changes: ClusterChange[] = [];
  for (const c of head) {
    const old = before.get(c.name);
    if (!old) changes.push({ name: c.name, kind: "added", after: c });
    else if (old.role !== c.role || old.region !== c.region) changes.push({ name: c.name, kind: "changed", before: old, after: c });
  }
  for (const c of base) if (!after.has(c.name)) changes.push({ name: c.name, kind: "removed", before: c });
  return changes;
}

function compareResources(base: readonly PlanResource[], head: readonly PlanResource[]): Map<string, ResourceChanges> {
  const before = new Map(base.map((r) => [r.urn, r]));
  const after = new Map(head.map((r) => [r.urn, r]));
  const groups = new Map<string, { added: PlanResource[]; removed: PlanResource[]; changed: ChangedResource[] }>();
  const group = (r: PlanResource) => {
    const key = r.cluster ?? FLEET_WIDE;
    if (!groups.has(key)) groups.set(key, { added: [], removed: [], changed: [] });
    return groups.get(key)!;
  };
  for (const r of head) {
    const old = before.get(r.urn);
    if (!old) group(r).added.push(r);
    else {
      const keys = changedPaths(old.inputs, r.inputs, "inputs");
      if (keys.length > 0) group(r).changed.push({ resource: r, before: old, keys });
    }
  }
  for (const r of base) if (!after.has(r.urn)) group(r).removed.push(r);
  return new Map([...groups.entries()].sort(([a], [b]) => groupOrder(a, b)));
}

/** Clusters in name order, the fleet-wide group last. */
function groupOrder(a: string, b: string): number {
  if (a === FLEET_WIDE || b === FLEET_WIDE) return a === FLEET_WIDE ? (b === FLEET_WIDE ? 0 : 1) : -1;
  return a.localeCompare(b);
}

/**
 * The paths at which two input values differ. Objects recurse by key; arrays of equal
 * length recurse by index (so one changed subnet names its index), otherwise the whole
 * array is one change.
 */
export function changedPaths(before: unknown, after: unknown, at: string): string[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => changedPaths(before[k], after[k], `${at}.${k}`));
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, i) => changedPaths(item, after[i], `${at}[${i}]`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [at];
}

function compareViolations(base: readonly Violation[], head: readonly Violation[]) {
  const key = (v: Violation) => JSON.stringify([v.policy, v.urn ?? null, v.file ?? null, v.message]);
  const before = new Set(base.map(key));
  const after = new Set(head.map(key));
  return {
    head,
    introduced: head.filter((v) => !before.has(key(v))),
    fixed: base.filter((v) => !after.has(key(v))),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
