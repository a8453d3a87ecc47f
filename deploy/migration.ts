/**
 * Moving a fleet from one stack to a fleet stack and a stack per cluster without touching a
 * cloud resource: `pulumi state move` of each stack's resources out of the single stack.
 * Computed from two offline plans of the same fleet, one with `stacks: single` and one with
 * `stacks: per-cluster`, whose URNs differ only in the stack (components/fleet.ts keeps every
 * name and parent the same in whichever stack holds it), or name the single stack's URN as an
 * alias: an Argo CD hub's NAT addresses, in its network in one stack and in its region's
 * addresses stack of a per-cluster fleet (components/hub-nat-addresses.ts). A resource whose
 * parent goes elsewhere is named in a move of its own; the moves run in deploy order, so the
 * addresses stacks take the hubs' addresses before the hubs' clusters leave (`pulumi state
 * move` takes only what is still in the source). A child that another stack holds than the one
 * its parent's move took it to goes on from there.
 *
 * What `pulumi state move` does (pulumi/pulumi pkg/cmd/pulumi/state/state_move.go): it takes
 * the URNs given and all their children; renames each URN's stack, nothing else; copies the
 * providers they use (reusing an identical one in the destination); gives a moved resource
 * whose parent stays behind the destination's root stack as parent until the next `pulumi up`
 * registers the real one under the same URN; refuses to move a provider.
 */
export interface MigrationMove {
  /** The stack the URNs are in at this step. @default the plan's `source` */
  readonly source?: string;
  readonly dest: string;
  /** The top-level URNs to move (children follow), in `source`. */
  readonly urns: string[];
  readonly resources: number;
}

export interface MigrationPlan {
  readonly source: string;
  /**
   * Per destination stack, in deploy order: the top-level URNs to move out of the single stack
   * (children follow); then the moves onward of children that another stack holds, each out of
   * the stack its parent took it to.
   */
  readonly moves: MigrationMove[];
  /** Resources that stay in the source stack, which becomes the fleet stack. */
  readonly stays: number;
  /** Components and reads of the single stack no stack holds any more: its next `pulumi up` drops them (no cloud object). */
  readonly dropped: string[];
  /** Cloud resources no stack would hold: migrating would delete them. Must be empty. */
  readonly problems: string[];
}

interface PlannedResource {
  readonly urn: string;
  readonly stack?: string;
  readonly type: string;
  readonly parent: string | null;
  /** URNs whose state the resource takes over (plan.json `aliases`, in the engine's URN scheme). */
  readonly aliases?: readonly string[];
}

/** A plan as `stateMoves` reads it: its stack, and each resource's (absent in plans of older code). */
interface StackedPlan {
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
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
    // Its URN, or a URN it is known by (an alias in its own stack: `state move` keeps the URN, the alias then takes it over).
    for (const known of [r.urn, ...(r.aliases ?? [])]) {
      const urn = inStack(known, source);
      if (!holders.has(urn)) holders.set(urn, new Set());
      holders.get(urn)!.add(r.stack ?? source);
    }
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
  // Where the first moves take each resource: the stack of its nearest ancestor named there (its own if named).
  const named = new Map([...moved.entries()].flatMap(([dest, urns]) => urns.map((u) => [u, dest] as const)));
  const carried = (r: PlannedResource | undefined): string => (!r ? source : named.get(r.urn) ?? carried(r.parent ? inSingle.get(r.parent) : undefined));
  const onward = new Map<string, { from: string; dest: string; urns: string[] }>();
  for (const r of single.resources) {
    const dest = destOf.get(r.urn);
    const at = carried(r);
    if (!dest || dest === at || isProvider(r.type)) continue;
    const parent = r.parent ? inSingle.get(r.parent) : undefined;
    if (parent && carried(parent) === at && destOf.get(parent.urn) === dest) continue;
    const key = `${at} ${dest}`;
    if (!onward.has(key)) onward.set(key, { from: at, dest, urns: [] });
    onward.get(key)!.urns.push(inStack(deployed.get(r.urn)!, at));
  }
  const moves: MigrationMove[] = [
    ...[...moved.entries()]
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([dest, urns]) => ({ dest, urns: urns.map((u) => deployed.get(u)!).sort(), resources: count(dest) })),
    ...[...onward.values()].map(({ from, dest, urns }) => ({ source: from, dest, urns: urns.sort(), resources: urns.length })),
  ];
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
  const q = (stack: string) => qualified(stack, org);
  const lines = [
    `# Moving ${plan.source} to per-cluster stacks: ${new Set(plan.moves.filter((m) => !m.source).map((m) => m.dest)).size} stacks receive resources, ${plan.stays} stay in ${plan.source} (the fleet stack).`,
    `# 1. With this version of the program and fleet.stacks still single, deploy once: aliases give the`,
    `#    backup replication rules and Argo CD's cluster Secrets their new parent; nothing in AWS changes.`,
    `pulumi up --stack ${q(plan.source)}`,
    `# 2. Create the new stacks (same secrets provider as ${plan.source}).`,
    ...stackInitCommands(plan.moves.map((m) => m.dest).filter((dest) => dest !== plan.source), org),
    `# 3. Move each stack's resources; children and providers follow (then on, those another stack holds).`,
    ...moveCommands(plan.moves, org, plan.source),
    `# 4. Set fleet.stacks: per-cluster in Pulumi.${plan.source}.yaml, then preview every stack: no create, replace or`,
    `#    delete of a cloud resource may show (components and stack reads are created; ${plan.dropped.length} leftovers of the single stack go).`,
    `npm run deploy -- --stack ${plan.source} --preview`,
    `# 5. Deploy.`,
    `npm run deploy -- --stack ${plan.source}`,
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The `pulumi state move` steps that carry each cloud resource from the stack holding it in
 * `before` to the one holding it in `after`, two plans of the same per-cluster fleet, where
 * the resource keeps its URN or `after` names its URN in `before` as an alias. So far only an
 * Argo CD hub's NAT addresses change stacks: a region's addresses stack holds its hub's
 * (components/hub-nat-addresses.ts), so when a region's hub changes, the old hub's go to its
 * own stack and the new hub's come to the addresses stack; and a fleet whose fleet stack held
 * them (before the addresses stacks) moves each hub's from there to its region's addresses
 * stack, under the same URN. Moved first, they keep their addresses and no NAT gateway is
 * replaced (its `allocationId` forces a new one: hashicorp/terraform-provider-aws
 * internal/service/ec2/vpc_nat_gateway.go); deployed without, the addresses stack would allocate new
 * addresses and the stack that held the old ones fail to release them, which the NAT gateways still
 * hold (EC2 `ReleaseAddress`: InvalidIPAddress.InUse; a NAT gateway's primary address cannot
 * be disassociated, EC2 `DisassociateNatGatewayAddress`).
 */
export function stateMoves(before: StackedPlan, after: StackedPlan): MigrationMove[] {
  const key = (urn: string) => urn.replace(/^urn:pulumi:[^:]+::/, "");
  const cloud = (r: PlannedResource) => !isProvider(r.type) && !holdsNothing(r);
  // A plan of older code names no stack per resource: all are in the plan's stack.
  const stackOf = (plan: StackedPlan, r: PlannedResource) => r.stack ?? plan.stack;
  const earlier = new Map(before.resources.filter(cloud).map((r) => [key(r.urn), r]));
  const deployed = deployedUrns(before.resources);
  const moves = new Map<string, MigrationMove & { urns: string[] }>();
  for (const r of after.resources.filter(cloud)) {
    const was = [r.urn, ...(r.aliases ?? [])].map((u) => earlier.get(key(u))).find((x) => x !== undefined);
    if (!was) continue;
    const [source, dest] = [stackOf(before, was), stackOf(after, r)];
    if (source === dest) continue;
    const step = `${source} ${dest}`;
    if (!moves.has(step)) moves.set(step, { source, dest, urns: [], resources: 0 });
    moves.get(step)!.urns.push(inStack(deployed.get(was.urn)!, source));
  }
  return [...moves.values()].map((m) => ({ ...m, urns: m.urns.sort(), resources: m.urns.length })).sort((a, b) => `${a.source} ${a.dest}`.localeCompare(`${b.source} ${b.dest}`));
}

/**
 * `stateMoves` as the commands to run before deploying, one per pair of stacks, each stack of
 * `newStacks` created first: `pulumi state move` loads its destination and never creates it
 * (pulumi/pulumi pkg/cmd/pulumi/state/state_move.go: `requireStack(..., stackLoadOnly, ...)`).
 */
export function stateMoveCommands(moves: readonly MigrationMove[], org?: string, newStacks: ReadonlySet<string> = new Set()): string[] {
  return [...stackInitCommands(moves.map((m) => m.dest).filter((s) => newStacks.has(s)), org), ...moveCommands(moves, org)];
}

/** A stack's name as the Pulumi CLI takes it: `<org>/eks-fleet/<stack>` with an organization. */
const qualified = (stack: string, org?: string) => (org ? `${org}/eks-fleet/${stack}` : stack);

/** `pulumi stack init` of each stack once, in the order given. */
function stackInitCommands(stacks: readonly string[], org?: string): string[] {
  return [...new Set(stacks)].map((s) => `pulumi stack init ${qualified(s, org)}`);
}

/** A `pulumi state move` per move, out of its `source` (or `source` here, for a move that names none). */
function moveCommands(moves: readonly MigrationMove[], org?: string, source?: string): string[] {
  return moves.map((m) => `pulumi state move --source ${qualified((m.source ?? source)!, org)} --dest ${qualified(m.dest, org)} --yes ${m.urns.map((u) => `'${u}'`).join(" ")}`);
}
