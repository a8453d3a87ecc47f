import * as fs from "fs";
import { accessPolicyHolders, FLEET_KEY, FleetSpec, StackConfig } from "../fleet";
import { evaluateResources, evaluateTree, PlanResourceLike, PolicyConfig } from "../policies/evaluate";
import { loadTree } from "../policies/tree";
import { Violation } from "../policies/violation";
import { mockState } from "./engine/mock-state";

/**
 * Gives each plan resource the id the mock engine gave it, so rules can join a record to
 * its health check or a bucket setting to its bucket by value, as they would by id under
 * the real engine. An `id` already in the plan wins. The account ID only shapes ARN-style
 * ids, which no join uses.
 */
export function withMockIds<T extends PlanResourceLike>(resources: readonly T[]): (T & { readonly id?: string })[] {
  return resources.map((r) =>
    r.id !== undefined || !r.region
      ? r
      : { ...r, id: mockState({ type: r.type, name: r.name, inputs: r.inputs, region: r.region, accountId: "000000000000" }).id },
  );
}

/** Every resource and stack rule over a plan's resources. */
export function infraViolations(resources: readonly PlanResourceLike[], config: PolicyConfig = {}): Promise<Violation[]> {
  return evaluateResources(withMockIds(resources), config);
}

/** Every manifest rule over the tree at `dir`, or none when no tree was rendered there. */
export function treeViolationsIfPresent(dir: string): Violation[] {
  return fs.existsSync(dir) ? evaluateTree(loadTree(dir)) : [];
}

/**
 * The pack config a stack implies: `policy.allowedRegions` and `policy.maxMonthlyUsd` of its
 * fleet key, and who may hold which EKS access policy (fleet/access.ts). The same JSON goes to
 * `pulumi preview --policy-pack-config` for the CrossGuard pack.
 */
export function policyConfigOf(config: StackConfig, spec: FleetSpec): PolicyConfig {
  const fleet = config.values[FLEET_KEY] as { policy?: { allowedRegions?: string[]; maxMonthlyUsd?: number } } | undefined;
  const allowedRegions = fleet?.policy?.allowedRegions ?? [];
  const maxMonthlyUsd = fleet?.policy?.maxMonthlyUsd;
  const holders = accessPolicyHolders(spec);
  return {
    ...(allowedRegions.length > 0 ? { "regions-allowed": { allowedRegions } } : {}),
    ...(maxMonthlyUsd !== undefined ? { "monthly-cost-cap": { maxMonthlyUsd } } : {}),
    "eks-access-entries": { adminPrincipals: holders.admin, viewPrincipals: holders.view },
  };
}
