import { planFleet, StackPlan } from "../../cli/engine/plan-stack";
import { stacksFor } from "../../deploy/plan-stacks";
import { deployStages, fleetStacks, stackReads } from "../../deploy/stacks";
import { touchedStacks } from "../../deploy/touched";
import { treePart } from "../../deploy/tree-part";
import { stackArgs } from "../../policies/evaluate";
import { treePartsOf } from "../../policies/gitops-tree";
import { parseFleet } from "../../fleet";
import { fleetConfig, problemsOf, stackConfig } from "../fixtures/fleets";
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
    // A spoke reads its hub, in its region; a hub reads only the fleet stack.
    for (const section of stacks.filter((s) => s.kind === "cluster")) {
      const cluster = planned.spec.clusters.find((c) => c.name === section.cluster)!;
      const reads = stackReads(planned.spec, "prod", section);
      expect(reads).toEqual(cluster.argocdHub === cluster.name ? ["prod"] : ["prod", `prod.${cluster.argocdHub}`]);
      expect(reads.slice(1).map((s) => regionOfStack.get(s))).toEqual(reads.slice(1).map(() => section.region));
    }
    // The links stack of a region reads every cluster there; no other region's but a backup partner's.
    for (const section of stacks.filter((s) => s.kind === "links")) {
      const reads = new Set(stackReads(planned.spec, "prod", section));
      const own = planned.spec.clusters.filter((c) => c.region === section.region);
      for (const c of own) expect(reads.has(`prod.${c.name}`)).toBe(true);
      const partners = new Set(own.map((c) => `prod.${c.backup.partner}`));
      expect([...reads].filter((s) => regionOfStack.get(s) !== section.region && !partners.has(s))).toEqual([]);
    }
  });

  it("deploys the hubs before their spokes: a spoke's stack reads its hub's NAT addresses", () => {
    const stages = deployStages(planned.spec, "prod");
    const stageOf = new Map(stages.flatMap((stage, i) => stage.map((s) => [s, i] as const)));
    for (const section of fleetStacks(planned.spec, "prod")) {
      for (const read of stackReads(planned.spec, "prod", section)) expect([section.name, stageOf.get(read)! < stageOf.get(section.name)!]).toEqual([section.name, true]);
    }
    // Each cluster stack once; each hub in the stage right before the first of its spokes (its earliest wave, ahead of the rest of it).
    const clusterStacks = stages.flat().filter((s) => fleetStacks(planned.spec, "prod").find((x) => x.name === s)!.kind === "cluster");
    expect(clusterStacks.sort()).toEqual(planned.spec.clusters.map((c) => `prod.${c.name}`).sort());
    for (const hub of planned.spec.hubs) {
      const spokes = planned.spec.clusters.filter((c) => c.argocdHub === hub.name && c.name !== hub.name);
      expect(stageOf.get(`prod.${hub.name}`)).toBe(Math.min(...spokes.map((c) => stageOf.get(`prod.${c.name}`)!)) - 1);
    }
    // `plan --only-stack` of a spoke evaluates the fleet stack and its hub's first, nothing else.
    expect(stacksFor(planned.spec, "prod", "prod.c3")!.map((s) => s.name)).toEqual(["prod", "prod.c1", "prod.c3"]);
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
    expect(deployStages(argo, "prod").slice(0, -1)).toEqual(deployStages(flux, "prod").slice(0, -1));
    expect(deployStages(argo, "prod").length).toBeGreaterThan(3);
  });
});

describe("the cold deploy of an Argo CD fleet, per-cluster", () => {
  it("creates the hubs with spokes first, then every other cluster at once: a spoke's stack reads its hub's", () => {
    const spec = parseFleet(twoRegions(6), "us-east-1");
    const cold = deployStages(spec, "prod", () => true);
    expect(cold.length).toBe(4);
    expect([...cold[1]].sort()).toEqual(["prod.c0", "prod.c1"]);
    expect([...cold[2]].sort()).toEqual(["prod.c2", "prod.c3", "prod.c4", "prod.c5"]);
    // A spoke added to a deployed fleet joins the first stage after its hub's.
    const stages = deployStages(spec, "prod", (stack) => stack === "prod.c5");
    const stageOf = (stack: string) => stages.findIndex((stage) => stage.includes(stack));
    expect(stageOf("prod.c5")).toBe(stageOf("prod.c1") + 1);
  });
});

describe("a hub taking over its region, per-cluster", () => {
  it("touches only that region's stacks: the new hub's, its spokes', the old hub's and the region's links", async () => {
    const raw = twoRegions(6);
    const before = await plan(raw);
    const takeover = await plan({ ...raw, gitops: { ...ARGOCD, hubs: { "us-west-2": "c3" } } });
    expect(touchedStacks(before.document, takeover.document)).toEqual(["prod.c1", "prod.c3", "prod.c5", "prod.links.us-west-2"]);
    const stageOf = (stack: string) => deployStages(takeover.spec, "prod").findIndex((stage) => stage.includes(stack));
    for (const spoke of ["prod.c1", "prod.c5"]) expect(stageOf("prod.c3")).toBeLessThan(stageOf(spoke));
    expect(reconcilersOf(takeover.spec, takeover.document)).toEqual({ c0: ["c0"], c1: ["c3"], c2: ["c0"], c3: ["c3"], c4: ["c0"], c5: ["c3"] });
  }, 120_000);
});
