/** What the graph needs of a `plan.json` resource. */
export interface GraphResource {
  readonly urn: string;
  readonly parent: string | null;
  readonly dependsOn: readonly string[];
}

/**
 * The deploy-time dependency graph of a plan. A resource waits for everything in its
 * `dependsOn` and for its parent: the SDK registers a child only once its parent's URN is
 * known, and a component is registered only once its own `dependsOn` exist
 * (pulumi/pulumi sdk/nodejs/runtime/resource.ts, "Wait for the parent to complete"), so a
 * component's `dependsOn` holds back all its children. One place for walking the graph,
 * shared by the ordering tests and the deploy-time estimate.
 */
export class DependencyGraph<R extends GraphResource = GraphResource> {
  private readonly byUrn: Map<string, R>;
  private readonly closures = new Map<string, ReadonlySet<string>>();

  constructor(resources: readonly R[]) {
    this.byUrn = new Map(resources.map((r) => [r.urn, r]));
  }

  get resources(): R[] {
    return [...this.byUrn.values()];
  }

  resource(urn: string): R {
    const found = this.byUrn.get(urn);
    if (!found) throw new Error(`no resource ${urn} in the plan`);
    return found;
  }

  /** What `urn` waits for directly: its `dependsOn` and its parent. */
  waitsOn(urn: string): string[] {
    const { dependsOn, parent } = this.resource(urn);
    return parent === null || dependsOn.includes(parent) ? [...dependsOn] : [...dependsOn, parent];
  }

  /** Everything `urn` waits for, directly or through other resources. */
  dependenciesOf(urn: string): ReadonlySet<string> {
    const known = this.closures.get(urn);
    if (known) return known;
    const closure = new Set<string>();
    for (const dep of this.topologicalOrder([urn])) if (dep !== urn) closure.add(dep);
    this.closures.set(urn, closure);
    return closure;
  }

  /** Whether `urn` waits, directly or transitively, for `dependency`. */
  waitsFor(urn: string, dependency: string): boolean {
    return this.dependenciesOf(urn).has(dependency);
  }

  /**
   * The URNs reachable from `roots` (default: every resource), each after all it depends
   * on. Iterative, so deep graphs of large fleets cannot overflow the stack; a cycle (which
   * the engine would refuse) is an error.
   */
  topologicalOrder(roots: Iterable<string> = this.byUrn.keys()): string[] {
    const order: string[] = [];
    const state = new Map<string, "open" | "done">();
    for (const root of roots) {
      if (state.has(root)) continue;
      const stack: { urn: string; next: number }[] = [{ urn: root, next: 0 }];
      state.set(root, "open");
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const deps = this.waitsOn(top.urn);
        if (top.next < deps.length) {
          const dep = deps[top.next++];
          const seen = state.get(dep);
          if (seen === "open") throw new Error(`dependency cycle through ${dep}`);
          if (seen === undefined) {
            state.set(dep, "open");
            stack.push({ urn: dep, next: 0 });
          }
        } else {
          state.set(top.urn, "done");
          order.push(top.urn);
          stack.pop();
        }
      }
    }
    return order;
  }
}
