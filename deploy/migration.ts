/**
 * Moving a fleet from one stack to a fleet stack and a stack per cluster without touching a
 * cloud resource: `pulumi state move` of each stack's resources out of the single stack.
 * Computed from two offline plans of the same fleet, one with `stacks: single` and one with
 * `stacks: per-cluster`, whose URNs differ only in the stack (components/fleet.ts keeps every
 * name and parent the same in whichever stack holds it).
 *
 * What `pulumi state move` does (pulumi/pulumi pkg/cmd/pulumi/state/state_move.go): it takes
 * the URNs given and all their children; renames each URN's stack, nothing else; copies the
 * providers they use (reusing an identical one in the destination); gives a moved resource
 * whose parent stays behind the destination's root stack as parent until the next `pulumi up`
 * registers the real one under the same URN; refuses to move a provider.
 */
export interface MigrationPlan {
  readonly source: string;
  /** Per destination stack, in deploy order: the top-level URNs to move (children follow). */
  readonly moves: { readonly dest: string; readonly urns: string[]; readonly resources: number }[];
  /** Resources that stay in the source stack, which becomes the fleet stack. */
  readonly stays: number;
  /** Components and reads of the single stack no stack holds any more: its next `pulumi up` drops them (no cloud object). */
  readonly dropped: string[];
  /** Cloud resources no stack would hold: migrating would delete them. Must be empty. */
  readonly problems: string[];
}

interface PlannedResource {
  readonly urn: string;
  readonly stack: string;
  readonly type: string;
  readonly parent: string | null;
}

/** `urn:pulumi:<stack>::<rest>` with another stack. */
const inStack = (urn: string, stack: string) => urn.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${stack}::`);
const isProvider = (type: string) => type.startsWith("pulumi:providers:");
/** No cloud object behind it: a component (not a custom resource) or a read of another stack. */
const holdsNothing = (r: { type: string }) => r.type === "pulumi:pulumi:StackReference" || r.type.startsWith("eks-fleet:");

/**
 * The URN the Pulumi engine gives a planned resource: its type qualified by every ancestor's
 * type (pulumi/pulumi sdk/nodejs/resource.ts `createUrn`: the parent URN's whole type part,
 * then `$<type>`). The SDK's mock monitor, which offline plans run on, keeps only the
 * parent's own type (sdk/nodejs/runtime/mocks.ts `newUrn`), so plan.json's URNs of resources
 * two or more components deep are not the deployed ones.
 */
export function deployedUrns(resources: readonly PlannedResource[]): Map<string, string> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const chains = new Map<string, string>();
  const chain = (r: PlannedResource): string => {
    const known = chains.get(r.urn);
    if (known) return known;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const qualified = parent ? `${chain(parent)}$${r.type}` : r.type;
    chains.set(r.urn, qualified);
    return qualified;
  };
  return new Map(resources.map((r) => {
    const [, stack, project] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(r.urn)!;
    return [r.urn, `urn:pulumi:${stack}::${project}::${chain(r)}::${r.urn.slice(r.urn.lastIndexOf("::") + 2)}`];
  }));
}

export function migrationPlan(single: { readonly stack: string; readonly resources: readonly PlannedResource[] }, split: { readonly resources: readonly PlannedResource[]; readonly stacks?: readonly { readonly name: string }[] }): MigrationPlan {
  const source = single.stack;
  const inSingle = new Map(single.resources.map((r) => [r.urn, r]));
  const destOf = new Map<string, string>();
  // A URN several stacks hold (the fleet component, a region's provider) is created in each by `pulumi up`: never moved.
  const holders = new Map<string, Set<string>>();
  for (const r of split.resources) {
    const urn = inStack(r.urn, source);
    if (!holders.has(urn)) holders.set(urn, new Set());
    holders.get(urn)!.add(r.stack);
  }
  for (const [urn, stacks] of holders) if (stacks.size === 1) destOf.set(urn, [...stacks][0]);
  const moved = new Map<string, string[]>();
  let stays = 0;
  for (const r of single.resources) {
    const dest = destOf.get(r.urn);
    if (!dest || dest === source || isProvider(r.type)) {
      if (holders.has(r.urn)) stays++;
      continue;
    }
    // Children follow their parent: name a resource only when its parent is not moving to the same stack.
    if (r.parent && destOf.get(r.parent) === dest && !isProvider(inSingle.get(r.parent)?.type ?? "")) continue;
    if (!moved.has(dest)) moved.set(dest, []);
    moved.get(dest)!.push(r.urn);
  }
  const order = (split.stacks ?? []).map((s) => s.name);
  const count = (dest: string) => single.resources.filter((r) => destOf.get(r.urn) === dest && !isProvider(r.type)).length;
  const deployed = deployedUrns(single.resources);
  const moves = [...moved.entries()]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([dest, urns]) => ({ dest, urns: urns.map((u) => deployed.get(u)!).sort(), resources: count(dest) }));
  const orphans = single.resources.filter((r) => !holders.has(r.urn) && !isProvider(r.type));
  return {
    source,
    moves,
    stays,
    dropped: orphans.filter(holdsNothing).map((r) => deployed.get(r.urn)!).sort(),
    problems: orphans.filter((r) => !holdsNothing(r)).map((r) => `${deployed.get(r.urn)}: no stack of the split fleet holds it; moving would delete it`).sort(),
  };
}

/** The migration as the commands to run, with what each step checks (README, "Moving a fleet to per-cluster stacks"). */
export function migrationScript(plan: MigrationPlan, org?: string): string {
  const q = (stack: string) => (org ? `${org}/eks-fleet/${stack}` : stack);
  const lines = [
    `# Moving ${plan.source} to per-cluster stacks: ${plan.moves.length} stacks receive resources, ${plan.stays} stay in ${plan.source} (the fleet stack).`,
    `# 1. With this version of the program and fleet.stacks still single, deploy once: aliases give the`,
    `#    backup replication rules and Argo CD's cluster Secrets their new parent; nothing in AWS changes.`,
    `pulumi up --stack ${q(plan.source)}`,
    `# 2. Create the new stacks (same secrets provider as ${plan.source}).`,
    ...plan.moves.map((m) => `pulumi stack init ${q(m.dest)}`),
    `# 3. Move each stack's resources; children and providers follow.`,
    ...plan.moves.map((m) => `pulumi state move --source ${q(plan.source)} --dest ${q(m.dest)} --yes ${m.urns.map((u) => `'${u}'`).join(" ")}`),
    `# 4. Set fleet.stacks: per-cluster in Pulumi.${plan.source}.yaml, then preview every stack: no create, replace or`,
    `#    delete of a cloud resource may show (components and stack reads are created; ${plan.dropped.length} leftovers of the single stack go).`,
    `npm run deploy -- --stack ${plan.source} --preview`,
    `# 5. Deploy.`,
    `npm run deploy -- --stack ${plan.source}`,
  ];
  return `${lines.join("\n")}\n`;
}
