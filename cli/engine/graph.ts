/** A resource as far as ordering goes: its URN and the URNs it waits for (`plan.json` `dependsOn`). */
export interface GraphNode {
  readonly urn: string;
  readonly dependsOn: readonly string[];
}

/**
 * The deploy-time dependency graph of a plan: what each resource waits for, directly or
 * through other resources. The engine creates a resource only after everything in its
 * `dependsOn` exists, so `waitsFor(a).has(b)` means b is created before a.
 */
export class DependencyGraph {
  private readonly direct: ReadonlyMap<string, readonly string[]>;
  private readonly closures = new Map<string, ReadonlySet<string>>();

  constructor(nodes: Iterable<GraphNode>) {
    this.direct = new Map([...nodes].map((n) => [n.urn, n.dependsOn]));
  }

  /** Every URN `urn` waits for, transitively (not including itself). */
  waitsFor(urn: string): ReadonlySet<string> {
    const cached = this.closures.get(urn);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...(this.direct.get(urn) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(this.direct.get(next) ?? []));
    }
    this.closures.set(urn, seen);
    return seen;
  }

  /** True when `urn` is created only after `dependency`. */
  dependsOn(urn: string, dependency: string): boolean {
    return this.waitsFor(urn).has(dependency);
  }
}
