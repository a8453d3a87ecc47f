import type { FleetSpec } from "../fleet/spec";
import { deployStages, FleetStack, fleetStacks, stackReads } from "./stacks";

/** One stack's section of plan.json: what it is, what it reads, how many resources it holds. */
export interface PlanStack {
  readonly name: string;
  readonly kind: FleetStack["kind"];
  readonly cluster?: string;
  readonly region?: string;
  /** The stacks whose outputs it reads (StackReferences): each deploys before it. */
  readonly reads: string[];
  readonly resources: number;
}

/** The fleet's stacks in the order they are planned and deployed: stage by stage (deploy/stacks.ts). */
export function planOrder(spec: FleetSpec, fleetStack: string): FleetStack[] {
  const byName = new Map(fleetStacks(spec, fleetStack).map((s) => [s.name, s]));
  return deployStages(spec, fleetStack).flat().map((name) => byName.get(name)!);
}

/**
 * The stacks to evaluate for `only` (`plan --only-stack`): it and, first, every stack it reads,
 * transitively, so its StackReferences read what those stacks would publish. Undefined when
 * `only` is not a stack of the fleet.
 */
export function stacksFor(spec: FleetSpec, fleetStack: string, only: string): FleetStack[] | undefined {
  const order = planOrder(spec, fleetStack);
  const target = order.find((s) => s.name === only);
  if (!target) return undefined;
  const needed = new Set<string>([only]);
  for (const stack of [...order].reverse()) {
    if (needed.has(stack.name)) for (const read of stackReads(spec, fleetStack, stack)) needed.add(read);
  }
  return order.filter((s) => needed.has(s.name));
}

/** plan.json's per-stack sections, from the resources' `stack` fields. */
export function planStacks(spec: FleetSpec, fleetStack: string, resources: readonly { readonly stack: string }[]): PlanStack[] {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.stack, (counts.get(r.stack) ?? 0) + 1);
  return planOrder(spec, fleetStack)
    .filter((s) => counts.has(s.name))
    .map((s) => ({
      name: s.name,
      kind: s.kind,
      ...(s.cluster ? { cluster: s.cluster } : {}),
      ...(s.region ? { region: s.region } : {}),
      reads: stackReads(spec, fleetStack, s),
      resources: counts.get(s.name)!,
    }));
}
