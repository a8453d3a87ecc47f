import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { CostEstimate, CostResource, estimateCost } from "../cost/estimate";
import { CLUSTER_COMPONENT, clusterOfComponent } from "../fleet/ownership";
import { known, regionOf } from "./support";

const CLUSTER_TAG = "eks-fleet/cluster";

export interface CostCapConfig {
  /** The most the stack may cost a month, in USD, as cost/ estimates it. @default none (no cap) */
  readonly maxMonthlyUsd?: number;
  /** The fleet's cap when `maxMonthlyUsd` is this stack's share of it (cli/policy-run.ts, stackPolicyConfigs). */
  readonly fleetMaxMonthlyUsd?: number;
}

/** A property tree with every value unknown at preview read as undefined. */
function knownDeep(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((_, i) => knownDeep(known(() => value[i]), depth + 1));
  return Object.fromEntries(Object.keys(value).map((key) => [key, knownDeep(known(() => (value as Record<string, unknown>)[key]), depth + 1)]));
}

/** The cluster a resource belongs to, as plan.json attributes it: the component above it that stands for one (fleet/ownership.ts), else its cluster tag. */
function clusterOf(resource: PolicyResource, clusters: ReadonlySet<string>): string | null {
  for (let r: PolicyResource | undefined = resource; r; r = r.parent) {
    const owner = clusterOfComponent(r.type, r.name, clusters);
    if (owner) return owner;
  }
  const tag = known(() => resource.props.tags?.[CLUSTER_TAG]);
  return typeof tag === "string" && clusters.has(tag) ? tag : null;
}

/** The stack's estimate from what a stack policy sees: the same numbers plan.json's `cost` shows. */
export function stackCost(resources: readonly PolicyResource[], asOf?: Date): CostEstimate {
  const clusters = resources.filter((r) => r.type === CLUSTER_COMPONENT).map((r) => r.name);
  const names = new Set(clusters);
  const priced: CostResource[] = resources.map((r) => {
    const inputs = knownDeep(r.props) as Record<string, unknown>;
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      cluster: clusterOf(r, names),
      region: regionOf(r) ?? null,
      inputs,
      ...(typeof inputs.id === "string" ? { id: inputs.id } : {}),
      dependsOn: (r.dependencies ?? []).map((d) => d.urn),
    };
  });
  return estimateCost(priced, clusters, asOf);
}

const dollars = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * A ceiling on what the stack costs a month (`policy.maxMonthlyUsd` in the fleet config, or
 * `maxMonthlyUsd` in the pack config), checked against the estimate plan.json shows.
 */
export const monthlyCostCap: StackValidationPolicy = {
  name: "monthly-cost-cap",
  description: "Checks whether the stack's estimated monthly cost (on-demand, cost/prices.ts, stated usage assumptions) stays within maxMonthlyUsd.",
  enforcementLevel: "mandatory",
  configSchema: { properties: { maxMonthlyUsd: { type: "number" }, fleetMaxMonthlyUsd: { type: "number", exclusiveMinimum: 0 } } },
  validateStack: (args, reportViolation) => {
    const { maxMonthlyUsd: cap, fleetMaxMonthlyUsd } = args.getConfig<CostCapConfig>();
    if (cap === undefined) return;
    const estimate = stackCost(args.resources);
    if (estimate.monthlyUsd <= cap) return;
    const byCategory = new Map<string, number>();
    for (const line of estimate.lines) byCategory.set(line.category, (byCategory.get(line.category) ?? 0) + line.monthlyUsd);
    const largest = [...byCategory].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([category, usd]) => `${category} ${dollars(usd)}`);
    reportViolation(
      `The stack is estimated at ${dollars(estimate.monthlyUsd)} a month, over ${fleetMaxMonthlyUsd === undefined ? "policy.maxMonthlyUsd" : `its share of policy.maxMonthlyUsd (${dollars(fleetMaxMonthlyUsd)} for the fleet, its stacks each judged alone)`} (${dollars(cap)}) by ${dollars(estimate.monthlyUsd - cap)}; the largest items: ${largest.join(", ")}. Every item and assumption is in plan.json (cost); shrink the fleet or raise the cap.`,
    );
  },
};

export const costPolicies: StackValidationPolicy[] = [monthlyCostCap];
