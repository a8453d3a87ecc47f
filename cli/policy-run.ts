import * as fs from "fs";
import { accessPolicyHolders, FLEET_KEY, FleetSpec, StackConfig } from "../fleet";
import { replicatingClusters, replicationStackName } from "../deploy/stacks";
import { evaluateResources, evaluateStackPolicies, evaluateTree, PlanResourceLike, PolicyConfig, stackArgs } from "../policies/evaluate";
import { monthlyCostCap, stackCost } from "../policies/cost";
import { PlannedReplication } from "../policies/s3";
import { stackOfUrn } from "../policies/support";
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

/** A plan resource, with the stack plan.json names (else its URN's). */
type StackResource = PlanResourceLike & { readonly stack?: string };

/** The resources of each stack, in first-seen order: what CrossGuard hands one stack's run. */
export function resourcesByStack<T extends StackResource>(resources: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const r of resources) {
    const stack = r.stack ?? stackOfUrn(r.urn) ?? "";
    const group = groups.get(stack);
    if (group) group.push(r);
    else groups.set(stack, [r]);
  }
  return groups;
}

/**
 * Every resource and stack rule over a plan's resources, stack by stack as CrossGuard runs
 * them (`pulumi preview --stack <stack> --policy-pack policies`): a stack rule sees one stack's
 * resources and that stack's pack config (`configs`, else `config`). Over several stacks, the
 * rules that judge the fleet as a whole (the cost cap) also run over every resource with `config`.
 */
export async function infraViolations(resources: readonly StackResource[], config: PolicyConfig = {}, configs?: ReadonlyMap<string, PolicyConfig>): Promise<Violation[]> {
  const withIds = withMockIds(resources);
  const stacks = resourcesByStack(withIds);
  const found: Violation[] = [];
  for (const [stack, mine] of stacks) found.push(...(await evaluateResources(mine, configs?.get(stack) ?? config)));
  if (stacks.size > 1) found.push(...(await evaluateStackPolicies(withIds, FLEET_WIDE_POLICIES, config)));
  return found;
}

/** Stack rules whose view over every stack of a fleet adds a check: the fleet's monthly cap over its total. */
const FLEET_WIDE_POLICIES = [monthlyCostCap];

/** Every manifest rule over the tree at `dir`, or none when no tree was rendered there. */
export function treeViolationsIfPresent(dir: string): Violation[] {
  return fs.existsSync(dir) ? evaluateTree(loadTree(dir)) : [];
}

/**
 * The pack config a stack implies: `policy.allowedRegions` and `policy.maxMonthlyUsd` of its
 * fleet key, who may hold which EKS access policy (fleet/access.ts), the fleet's regions every
 * secret reaches, and which stack replicates which backup bucket into which partner. All of it
 * comes from the fleet config, none from the program. The same JSON goes to
 * `pulumi preview --policy-pack-config` for the CrossGuard pack (per stack: `stackPolicyConfigs`).
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
    // The fleet stack of a per-cluster fleet has the secrets but no cluster to read the regions from.
    "secrets-replicated-with-cmk": { regions: [...spec.regions].sort() },
    "s3-backup-replicated": { replications: plannedReplications(spec, config.stack) },
  };
}

/** Each replicating cluster's bucket: the stack that holds its replication (deploy/stacks.ts), its partner's bucket, its prefix. */
function plannedReplications(spec: FleetSpec, fleetStack: string): Record<string, PlannedReplication> {
  const byName = new Map(spec.clusters.map((c) => [c.name, c]));
  return Object.fromEntries(
    replicatingClusters(spec).map((c) => [
      c.backup.bucket,
      {
        stack: spec.stacks === "single" ? fleetStack : replicationStackName(fleetStack, c.name),
        destination: byName.get(c.backup.partner)!.backup.bucket,
        prefix: `${c.backup.prefix}/`,
      },
    ]),
  );
}

/**
 * The pack config of each of the fleet's stacks (`resources` names their stacks): the fleet's
 * (`policyConfigOf`), and under a cost cap each stack's share of it, so that the stacks, each
 * judged alone, add up to no more than the cap: its own estimate plus an equal part of what the
 * fleet's estimate leaves under the cap (a fleet over its cap leaves every stack over its share).
 * Without every stack's resources (`complete` false: `plan --only-stack`) the share is not
 * known and a stack is held to the whole cap.
 */
export function stackPolicyConfigs(config: StackConfig, spec: FleetSpec, resources: readonly StackResource[], complete = true): Map<string, PolicyConfig> {
  const fleetConfig = policyConfigOf(config, spec);
  const stacks = resourcesByStack(withMockIds(resources));
  const cap = (fleetConfig["monthly-cost-cap"] as { maxMonthlyUsd?: number } | undefined)?.maxMonthlyUsd;
  // One stack is judged against the whole cap; without every stack, the shares are not known.
  if (cap === undefined || !complete || stacks.size === 1) return new Map([...stacks.keys()].map((s) => [s, fleetConfig]));
  const estimates = new Map([...stacks].map(([stack, mine]) => [stack, stackCost(stackArgs(mine).resources).monthlyUsd]));
  const total = [...estimates.values()].reduce((a, b) => a + b, 0);
  const share = Math.floor(((cap - total) / stacks.size) * 100) / 100;
  return new Map(
    [...estimates].map(([stack, estimate]) => [
      stack,
      { ...fleetConfig, "monthly-cost-cap": { maxMonthlyUsd: Math.floor((estimate + share) * 100) / 100, fleetMaxMonthlyUsd: cap } },
    ]),
  );
}
