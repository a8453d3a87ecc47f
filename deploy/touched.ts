import { isDeepStrictEqual } from "util";

/** What telling two plans' stacks apart needs of plan.json. */
interface StackedPlan {
  readonly stack: string;
  readonly resources: readonly { readonly urn: string; readonly stack?: string; readonly inputs: unknown; readonly dependsOn?: readonly string[]; readonly parent?: string | null }[];
}

/**
 * The stacks a change touches: every stack with a resource added, removed or changed
 * (inputs, dependencies, parent) between the two plans, sorted. A resource without a
 * `stack` (plans of older code) is in the plan's stack. CI previews and deploys only these
 * (`npm run diff`, `npm run matrix -- --base`).
 */
export function touchedStacks(before: StackedPlan, after: StackedPlan): string[] {
  const index = (plan: StackedPlan) => new Map(plan.resources.map((r) => [r.urn, { stack: r.stack ?? plan.stack, r }]));
  const a = index(before);
  const b = index(after);
  const touched = new Set<string>();
  for (const [urn, { stack, r }] of a) {
    const other = b.get(urn);
    if (!other || !isDeepStrictEqual(r.inputs, other.r.inputs) || !isDeepStrictEqual(r.dependsOn ?? [], other.r.dependsOn ?? []) || (r.parent ?? null) !== (other.r.parent ?? null)) touched.add(stack);
  }
  for (const [urn, { stack }] of b) if (!a.has(urn)) touched.add(stack);
  return [...touched].sort();
}
