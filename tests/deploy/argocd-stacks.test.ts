import { planFleet, StackPlan } from "../../cli/engine/plan-stack";
import { stacksFor } from "../../deploy/plan-stacks";
import { deployStages, fleetStacks, resolveStack, stackReads } from "../../deploy/stacks";
import { stateMovesNote } from "../../cli/diff";
import { stateMoves } from "../../deploy/migration";
import { touchedStacks } from "../../deploy/touched";
import { treePart } from "../../deploy/tree-part";
import { stackArgs } from "../../policies/evaluate";
import { treePartsOf } from "../../policies/gitops-tree";
import { parseFleet } from "../../fleet";
import { fleetConfig, problemsOf, stackConfig } from "../fixtures/fleets";
import { mockState } from "../../cli/engine/mock-state";
import { eksClusterOf, kubernetesProviderOf } from "../support/outage-play";
import { reconcilersOf } from "../support/reconcilers";

/** The per-stack limit of issue-sized stacks (tests/deploy/partition.test.ts). */
const MAX_RESOURCES_PER_STACK = 150;
const ARGOCD = { engine: "argocd", repoUrl: "https://github.com/acme/platform.git", branch: "main", path: "gitops" };

async function plan(raw: Record<string, any>): Promise<StackPlan> {
  return planFleet(parseFleet(raw, "us-east-1"), stackConfig(raw, "us-east-1", "prod"));
}
const stackOfUrn = (urn: string) => /^urn:pulumi:([^:]+)::/.exec(urn)![1];
const registrations = (planned: StackPlan) => planned.document.resources.filter((r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.metadata as any)?.labels?.["argocd.argoproj.io/secret-type"] === "cluster");

/** `size` clusters alternating between us-east-1 and us-west-2: c0 and c1 are the hubs. */
function twoRegions(size: number, overrides: Record<string, unknown> = {}): Record<string, any> {
  const raw = fleetConfig(size, { stacks: "per-cluster", gitops: ARGOCD, ...overrides });
  raw.clusters = raw.clusters.map((c: any, i: number) => ({ ...c, region: i % 2 === 0 ? "us-east-1" : "us-west-2" }));
  return raw;
}

describe("an Argo CD fleet as per-cluster stacks: a hub and five spokes in each of two regions", () => {
  const raw = twoRegions(12);
  let planned: StackPlan;
  beforeAll(async () => {
    planned = await plan(raw);
  }, 120_000);

  it("is a valid fleet: per-cluster stacks take Argo CD", () => {
    expect(problemsOf(raw)).toEqual([]);
    expect(planned.spec.hubs.map((h) => h.name)).toEqual(planned.spec.regions.map((r) => planned.spec.clusters.find((c) => c.region === r)!.name));
  });

  it("puts every resource in exactly one of the fleet's stacks, the one its URN names", () => {
    const names = new Set(fleetStacks(planned.spec, "prod").map((s) => s.name));
    const urns = planned.document.resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
    for (const r of planned.document.resources) expect([r.urn, names.has(r.stack) && stackOfUrn(r.urn) === r.stack]).toEqual([r.urn, true]);
    expect(planned.document.stacks!.reduce((n, s) => n + s.resources, 0)).toBe(planned.document.resources.length);
  });

  it("installs Argo CD in each hub's own stack, a spoke's role and access entry in the spoke's, and every cluster Secret in the links stack of its region", () => {
    const installs = planned.document.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "argo-cd");
    expect(installs.map((r) => r.stack).sort()).toEqual(planned.spec.hubs.map((h) => `prod.${h.name}`).sort());
    for (const c of planned.spec.clusters) {
      const role = planned.document.resources.find((r) => r.type === "aws:iam/role:Role" && r.name === `${c.name}-argocd-spoke-role`)!;
      expect(role.stack).toBe(`prod.${c.name}`);
      const secrets = registrations(planned).filter((r) => (r.inputs.metadata as any).name === c.name);
      expect(secrets.map((s) => s.stack)).toEqual([`prod.links.${c.region}`]);
      // The Secret goes to its hub's API: a provider built from what the hub's stack published.
      const hub = eksClusterOf(planned.document, kubernetesProviderOf(planned.document, secrets[0])!);
      expect(hub.inputs.name).toBe(planned.spec.clusters.find((h) => h.name === c.argocdHub)!.eksClusterName);
    }
  });

  it("gives every cluster a reconciler: its region's hub, wired across the stacks as AWS and Argo CD see it", () => {
    const reconcilers = reconcilersOf(planned.spec, planned.document);
    expect(reconcilers).toEqual(Object.fromEntries(planned.spec.clusters.map((c) => [c.name, [c.argocdHub]])));
  });

  it("joins stacks only through declared StackReferences, each to a stack of the reader's region for Argo CD's values", () => {
    const byUrn = new Map(planned.document.resources.map((r) => [r.urn, r]));
    const stacks = fleetStacks(planned.spec, "prod");
    const regionOfStack = new Map(stacks.map((s) => [s.name, s.region]));
    for (const r of planned.document.resources) {
      for (const dep of r.dependsOn) expect([r.urn, byUrn.get(dep)?.stack]).toEqual([r.urn, r.stack]);
      if (r.type !== "pulumi:pulumi:StackReference" || r.name === "last-deployment") continue;
      const section = stacks.find((s) => s.name === r.stack)!;
      const target = String(r.inputs.name).split("/").pop()!;
      expect(stackReads(planned.spec, "prod", section)).toContain(target);
    }
    // A hub and a spoke alike read the fleet stack and their region's addresses stack (the hub's NAT addresses), which read nothing.
    for (const section of stacks.filter((s) => s.kind === "cluster")) expect([section.name, stackReads(planned.spec, "prod", section)]).toEqual([section.name, ["prod", `prod.addresses.${section.region}`]]);
    for (const section of stacks.filter((s) => s.kind === "addresses")) expect([section.name, stackReads(planned.spec, "prod", section)]).toEqual([section.name, []]);
    // The links stack of a region reads every cluster there; no other region's but a backup partner's.
    for (const section of stacks.filter((s) => s.kind === "links")) {
      const reads = new Set(stackReads(planned.spec, "prod", section));
      const own = planned.spec.clusters.filter((c) => c.region === section.region);
      for (const c of own) expect(reads.has(`prod.${c.name}`)).toBe(true);
      const partners = new Set(own.map((c) => `prod.${c.backup.partner}`));
      expect([...reads].filter((s) => regionOfStack.get(s) !== section.region && !partners.has(s))).toEqual([]);
    }
  });

  it("allocates each hub's NAT addresses in its region's addresses stack, in that region, one per zone; every other address stays in its cluster's stack", () => {
    const addresses = planned.document.resources.filter((r) => r.type === "aws:ec2/eip:Eip");
    const hubs = new Set(planned.spec.hubs.map((h) => h.name));
    for (const c of planned.spec.clusters) {
      const own = addresses.filter((r) => r.cluster === c.name);
      expect(own).toHaveLength(c.subnets.public.length);
      for (const r of own) expect([r.name, r.stack, r.region]).toEqual([r.name, hubs.has(c.name) ? `prod.addresses.${c.region}` : `prod.${c.name}`, c.region]);
      // The NAT gateways stay with their VPC, in the cluster's stack, hub or not.
      const gateways = planned.document.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway" && r.cluster === c.name);
      expect(gateways.map((r) => r.stack)).toEqual(own.map(() => `prod.${c.name}`));
    }
    // Nothing of a cluster is in the fleet stack; an addresses stack holds its hub's addresses, its region's provider and the fleet component only.
    const inFleetStack = planned.document.resources.filter((r) => r.stack === "prod" && r.cluster !== null && !r.type.startsWith("eks-fleet:"));
    expect(inFleetStack.map((r) => r.urn)).toEqual([]);
    for (const hub of planned.spec.hubs) {
      const held = planned.document.resources.filter((r) => r.stack === `prod.addresses.${hub.region}`);
      // A provider's region is its input (plan.json's `region` is where a resource is created).
      expect(held.map((r) => [r.type, r.type === "pulumi:providers:aws" ? r.inputs.region : r.region]).sort()).toEqual([
        ...hub.subnets.public.map(() => ["aws:ec2/eip:Eip", hub.region]),
        ["eks-fleet:index:Fleet", null],
        ["pulumi:providers:aws", hub.region],
      ].sort());
    }
  });

  it("gives each hub's NAT gateways its addresses stack's addresses, and opens each spoke's endpoint to exactly those, read from that stack", () => {
    const resources = planned.document.resources;
    // What AWS assigns each address (the offline engine's identity of it), as its addresses stack publishes it.
    const assigned = (r: (typeof resources)[number]) => mockState({ type: r.type, name: r.name, inputs: r.inputs, region: r.region!, accountId: planned.spec.accountId });
    for (const hub of planned.spec.hubs) {
      const allocated = resources.filter((r) => r.type === "aws:ec2/eip:Eip" && r.cluster === hub.name).sort((a, b) => a.name.localeCompare(b.name));
      expect(allocated.map((r) => r.stack)).toEqual(allocated.map(() => `${planned.document.stack}.addresses.${hub.region}`));
      const gateways = resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway" && r.cluster === hub.name).sort((a, b) => a.name.localeCompare(b.name));
      expect(gateways.map((r) => r.inputs.allocationId)).toEqual(allocated.map((r) => assigned(r).id));
      const cidrs = allocated.map((r) => `${assigned(r).state.publicIp}/32`);
      expect(new Set(cidrs).size).toBe(cidrs.length);
      for (const spoke of planned.spec.clusters.filter((c) => c.argocdHub === hub.name && c.name !== hub.name)) {
        const eks = resources.find((r) => r.type === "aws:eks/cluster:Cluster" && r.cluster === spoke.name)!;
        expect([spoke.name, (eks.inputs.vpcConfig as any).publicAccessCidrs]).toEqual([spoke.name, [...planned.spec.apiAccessCidrs, ...cidrs]]);
      }
      // The hub's own endpoint admits no NAT address: it reaches itself privately.
      const own = resources.find((r) => r.type === "aws:eks/cluster:Cluster" && r.cluster === hub.name)!;
      expect((own.inputs.vpcConfig as any).publicAccessCidrs).toEqual(planned.spec.apiAccessCidrs);
    }
  });

  it("deploys each hub beside its spokes, in its own wave: no cluster stack reads another", () => {
    const stages = deployStages(planned.spec, "prod");
    const stageOf = new Map(stages.flatMap((stage, i) => stage.map((s) => [s, i] as const)));
    for (const section of fleetStacks(planned.spec, "prod")) {
      for (const read of stackReads(planned.spec, "prod", section)) expect([section.name, stageOf.get(read)! < stageOf.get(section.name)!]).toEqual([section.name, true]);
    }
    // Each cluster stack once, in the stage of its rollout wave (after the fleet stack), hubs as any other cluster.
    const clusterStacks = stages.flat().filter((s) => fleetStacks(planned.spec, "prod").find((x) => x.name === s)!.kind === "cluster");
    expect(clusterStacks.sort()).toEqual(planned.spec.clusters.map((c) => `prod.${c.name}`).sort());
    for (const wave of planned.spec.waves) for (const c of wave.clusters) expect([c, stageOf.get(`prod.${c}`)]).toEqual([c, 1 + wave.index]);
    // us-west-2's hub c1 shares its wave's stage with its spokes there; c0, the primary, keeps its last wave, after its spokes.
    expect(planned.spec.waves.find((w) => w.clusters.includes("c1"))!.clusters).toEqual(expect.arrayContaining(["c3", "c5"]));
    expect([stageOf.get("prod.c3"), stageOf.get("prod.c5")]).toEqual([stageOf.get("prod.c1"), stageOf.get("prod.c1")]);
    expect(stageOf.get("prod.c0")).toBeGreaterThan(stageOf.get("prod.c2")!);
    // The addresses stacks deploy with the fleet stack, in the first stage: no stage more than with Flux.
    expect(stages[0]).toEqual(["prod", "prod.addresses.us-east-1", "prod.addresses.us-west-2"]);
    // `plan --only-stack` of a spoke evaluates the fleet stack and its region's addresses stack first, nothing else.
    expect(stacksFor(planned.spec, "prod", "prod.c3")!.map((s) => s.name)).toEqual(["prod", "prod.addresses.us-west-2", "prod.c3"]);
    // An addresses stack reads nothing: planned alone, and the program run as it knows it as one.
    expect(stacksFor(planned.spec, "prod", "prod.addresses.us-west-2")!.map((s) => s.name)).toEqual(["prod.addresses.us-west-2"]);
    expect(resolveStack(planned.spec, "prod.addresses.us-west-2")).toEqual({ fleetStack: "prod", stack: { name: "prod.addresses.us-west-2", kind: "addresses", region: "us-west-2" } });
  });

  it("gives each links stack the Secrets naming its region's clusters' folders: the part of the tree `plan --only-stack` renders", () => {
    for (const section of fleetStacks(planned.spec, "prod")) {
      const applied = treePartsOf(stackArgs(planned.document.resources.filter((r) => r.stack === section.name)).resources).get("gitops") ?? [];
      expect([section.name, applied]).toEqual([section.name, [...treePart(planned.spec, section)!].sort()]);
      if (section.kind === "links") expect(applied).toHaveLength(planned.spec.clusters.filter((c) => c.region === section.region).length);
    }
  });

  it("keeps every stack at or under 150 resources; a links stack holds a Secret and its component per cluster of its region, and the hub's provider", () => {
    const sizes = planned.document.stacks!.map((s) => [s.name, s.resources] as const);
    expect(sizes.filter(([, n]) => n > MAX_RESOURCES_PER_STACK)).toEqual([]);
    for (const section of planned.document.stacks!.filter((s) => s.kind === "links")) {
      const argo = planned.document.resources.filter((r) => r.stack === section.name && (r.type.startsWith("kubernetes:") || r.type === "pulumi:providers:kubernetes" || r.type.startsWith("eks-fleet:gitops:")));
      expect(argo.length).toBe(2 * planned.spec.clusters.filter((c) => c.region === section.region).length + 1);
      // Each Secret is its cluster's in plan.json, though it lives on the hub.
      for (const secret of registrations(planned).filter((r) => r.stack === section.name)) expect(secret.cluster).toBe((secret.inputs.metadata as any).name);
    }
  });
});

describe("the deploy stages of an Argo CD fleet, per-cluster", () => {
  it("keep the rollout waves when no hub has a spoke: the same stages as with Flux", () => {
    const argo = parseFleet(fleetConfig(6, { stacks: "per-cluster", gitops: ARGOCD }), "us-east-1");
    const flux = parseFleet(fleetConfig(6, { stacks: "per-cluster" }), "us-east-1");
    expect(argo.hubs).toHaveLength(6);
    expect(deployStages(argo, "prod").slice(1, -1)).toEqual(deployStages(flux, "prod").slice(1, -1));
    // The first stage: the fleet stack, and with Argo CD each hub's region's addresses stack beside it.
    expect(deployStages(argo, "prod")[0]).toEqual(["prod", ...argo.regions.map((r) => `prod.addresses.${r}`)]);
    expect(deployStages(flux, "prod")[0]).toEqual(["prod"]);
    expect(deployStages(argo, "prod").length).toBeGreaterThan(3);
  });
});

describe("the cold deploy of an Argo CD fleet, per-cluster", () => {
  it("creates every cluster, hubs and spokes, at once, right after the fleet and addresses stacks", () => {
    const spec = parseFleet(twoRegions(6), "us-east-1");
    const cold = deployStages(spec, "prod", () => true);
    expect(cold.length).toBe(3);
    expect(cold[0]).toEqual(["prod", "prod.addresses.us-east-1", "prod.addresses.us-west-2"]);
    expect([...cold[1]].sort()).toEqual(spec.clusters.map((c) => `prod.${c.name}`).sort());
    // A spoke added to a deployed fleet joins the first cluster stage, whatever its hub's wave.
    const stages = deployStages(spec, "prod", (stack) => stack === "prod.c5");
    expect(stages[1]).toContain("prod.c5");
  });
});

describe("a hub taking over its region, per-cluster", () => {
  const raw = twoRegions(6);
  let before: StackPlan;
  let takeover: StackPlan;
  beforeAll(async () => {
    before = await plan(raw);
    takeover = await plan({ ...raw, gitops: { ...ARGOCD, hubs: { "us-west-2": "c3" } } });
  }, 120_000);

  it("touches that region's stacks only (the new hub's, its spokes', the old hub's, the region's links and, for the two hubs' NAT addresses, its addresses stack)", () => {
    expect(touchedStacks(before.document, takeover.document)).toEqual(["prod.addresses.us-west-2", "prod.c1", "prod.c3", "prod.c5", "prod.links.us-west-2"]);
    const inAddressesStack = (p: StackPlan) => new Set(p.document.resources.filter((r) => r.stack === "prod.addresses.us-west-2").map((r) => r.urn));
    const [was, is] = [inAddressesStack(before), inAddressesStack(takeover)];
    const names = (urns: string[]) => urns.map((u) => u.slice(u.lastIndexOf("::") + 2)).sort();
    expect(names([...was].filter((u) => !is.has(u)))).toEqual(["c1-nat-0", "c1-nat-1", "c1-nat-2"]);
    expect(names([...is].filter((u) => !was.has(u)))).toEqual(["c3-nat-0", "c3-nat-1", "c3-nat-2"]);
    expect(reconcilersOf(takeover.spec, takeover.document)).toEqual({ c0: ["c0"], c1: ["c3"], c2: ["c0"], c3: ["c3"], c4: ["c0"], c5: ["c3"] });
  });

  it("keeps every address where it is in AWS: the state moves to run first carry the old hub's to its own stack and the new hub's to the region's addresses stack", () => {
    const moves = stateMoves(before.document, takeover.document);
    const name = (u: string) => u.slice(u.lastIndexOf("::") + 2);
    expect(moves.map((m) => [m.source, m.dest, m.urns.map(name)])).toEqual([
      ["prod.addresses.us-west-2", "prod.c1", ["c1-nat-0", "c1-nat-1", "c1-nat-2"]],
      ["prod.c3", "prod.addresses.us-west-2", ["c3-nat-0", "c3-nat-1", "c3-nat-2"]],
    ]);
    // Each URN as the source stack holds it (every ancestor's type), which the destination's program takes over by its alias.
    expect(moves[1].urns[0]).toBe("urn:pulumi:prod.c3::eks-fleet::eks-fleet:index:Fleet$eks-fleet:cluster:RegionalCluster$eks-fleet:network:ClusterNetwork$aws:ec2/eip:Eip::c3-nat-0");
    // The destination's program knows each moved URN, in its stack, as the URN or an alias of an address
    // (compared in the offline engine's scheme, where a URN's type names the parent's type only).
    const offline = (urn: string, stack: string) => {
      const [, , types, name] = urn.split("::");
      return `urn:pulumi:${stack}::eks-fleet::${types.split("$").slice(-2).join("$")}::${name}`;
    };
    for (const m of moves) {
      const known = new Set(takeover.document.resources.filter((r) => r.stack === m.dest).flatMap((r) => [r.urn, ...(r.aliases ?? [])]));
      for (const urn of m.urns) expect([urn, known.has(offline(urn, m.dest))]).toEqual([urn, true]);
    }
    // The fleet diff ends with them, as commands; a fleet whose hubs did not change moves nothing, and the diff says nothing.
    const note = stateMovesNote([{ base: before.document, head: takeover.document }]);
    for (const m of moves) expect(note).toContain(`pulumi state move --source ${m.source} --dest ${m.dest} --yes ${m.urns.map((u) => `'${u}'`).join(" ")}`);
    expect(stateMoves(takeover.document, takeover.document)).toEqual([]);
    expect(stateMovesNote([{ base: takeover.document, head: takeover.document }])).toBe("");
    // Earlier layouts, before the addresses stacks, each hub's addresses held elsewhere: rewritten from this plan, the addresses stacks' addresses in `stack`, under `urn`.
    type Planned = (typeof before.document.resources)[number];
    const hubAddresses = (r: Planned) => r.stack.startsWith("prod.addresses.") && r.type === "aws:ec2/eip:Eip";
    const inStack = (urn: string, stack: string) => urn.replace(/^urn:pulumi:[^:]+::/, `urn:pulumi:${stack}::`);
    const earlier = (stack: (r: Planned) => string, urn: (r: Planned, stack: string) => string, parent: (r: Planned, stack: string) => string) => ({
      stack: "prod",
      // No addresses stack then: none of its resources (its provider, its fleet component).
      resources: before.document.resources.filter((r) => !r.stack.startsWith("prod.addresses.")).concat(before.document.resources.filter(hubAddresses).map((r) => ({ ...r, stack: stack(r), urn: urn(r, stack(r)), parent: parent(r, stack(r)), aliases: undefined }))),
    });
    // Every address in its cluster's network: each hub's three go to its region's addresses stack.
    const networkOf = (r: Planned, stack: string) => before.document.resources.find((x) => x.stack === stack && x.type === "eks-fleet:network:ClusterNetwork")!.urn;
    const inClusters = earlier((r) => `prod.${r.cluster}`, (r, stack) => inStack(r.aliases![0], stack), networkOf);
    expect(stateMoves(inClusters, before.document).map((m) => [m.source, m.dest, m.urns.map(name)])).toEqual([
      ["prod.c0", "prod.addresses.us-east-1", ["c0-nat-0", "c0-nat-1", "c0-nat-2"]],
      ["prod.c1", "prod.addresses.us-west-2", ["c1-nat-0", "c1-nat-1", "c1-nat-2"]],
    ]);
    // The hubs' addresses in the fleet stack, under the fleet: each region's move to its addresses stack under the same URN, a state move, never a new address.
    const inFleetStack = earlier(() => "prod", (r, stack) => inStack(r.urn, stack), (r, stack) => inStack(r.parent!, stack));
    const out = stateMoves(inFleetStack, before.document);
    expect(out.map((m) => [m.source, m.dest, m.urns.map(name)])).toEqual([
      ["prod", "prod.addresses.us-east-1", ["c0-nat-0", "c0-nat-1", "c0-nat-2"]],
      ["prod", "prod.addresses.us-west-2", ["c1-nat-0", "c1-nat-1", "c1-nat-2"]],
    ]);
    for (const m of out) for (const urn of m.urns) expect(before.document.resources.some((r) => r.stack === m.dest && r.urn === inStack(urn, m.dest))).toBe(true);
    // The addresses stacks are new then: the note creates each before moving into it (a state move never creates its destination).
    const fromFleetStack = stateMovesNote([{ base: { ...before.document, ...inFleetStack }, head: before.document }]);
    const created = fromFleetStack.indexOf("pulumi stack init prod.addresses.us-east-1\n");
    expect(created).toBeGreaterThan(-1);
    expect(fromFleetStack.indexOf(`pulumi state move --source prod --dest prod.addresses.us-east-1 --yes '${out[0].urns.join("' '")}'`)).toBeGreaterThan(created);
    expect(fromFleetStack).toContain("pulumi stack init prod.addresses.us-west-2\n");
    // A takeover moves into stacks that exist: nothing to create.
    expect(note).not.toContain("pulumi stack init");
  });
});
