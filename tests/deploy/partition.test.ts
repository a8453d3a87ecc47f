import { planFleet, StackPlan } from "../../cli/engine/plan-stack";
import { fleetStacks, stackReads } from "../../deploy/stacks";
import { touchedStacks } from "../../deploy/touched";
import { treePart } from "../../deploy/tree-part";
import { stackArgs } from "../../policies/evaluate";
import { treePartsOf } from "../../policies/gitops-tree";
import { parseFleet } from "../../fleet";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

/** The per-stack limit of issue-sized stacks: a stack Pulumi evaluates, locks and checkpoints quickly. */
const MAX_RESOURCES_PER_STACK = 150;

async function plan(raw: Record<string, any>): Promise<StackPlan> {
  const config = stackConfig(raw, "us-east-1", "prod");
  return planFleet(parseFleet(raw, "us-east-1"), config);
}

const stackOfUrn = (urn: string) => /^urn:pulumi:([^:]+)::/.exec(urn)![1];

describe("a 30-cluster fleet as a fleet stack, a stack per cluster and links stacks", () => {
  const raw = fleetConfig(30, { stacks: "per-cluster" });
  let planned: StackPlan;
  beforeAll(async () => {
    planned = await plan(raw);
  }, 60_000);

  it("puts every resource in exactly one of the fleet's stacks, the one its URN names", () => {
    const names = new Set(fleetStacks(planned.spec, "prod").map((s) => s.name));
    const urns = planned.document.resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
    for (const r of planned.document.resources) {
      expect(names.has(r.stack)).toBe(true);
      expect(stackOfUrn(r.urn)).toBe(r.stack);
    }
    const sections = planned.document.stacks!;
    expect(sections.reduce((n, s) => n + s.resources, 0)).toBe(planned.document.resources.length);
    expect(sections.map((s) => s.name).sort()).toEqual([...names].sort());
  });

  it("holds each cluster's own resources in its own stack, and no other cluster's", () => {
    for (const r of planned.document.resources) {
      const section = planned.document.stacks!.find((s) => s.name === r.stack)!;
      if (section.kind === "cluster") expect([section.cluster, null]).toContain(r.cluster);
      if (r.cluster && r.type === "aws:eks/cluster:Cluster") expect(r.stack).toBe(`prod.${r.cluster}`);
    }
    const kinds = planned.document.stacks!.map((s) => s.kind);
    expect(kinds.filter((k) => k === "fleet")).toHaveLength(1);
    expect(kinds.filter((k) => k === "cluster")).toHaveLength(30);
  });

  it("estimates the deploy in the stages it runs in: every stack after the stacks it reads", () => {
    const { estimate, stacks } = planned.document;
    const runs = new Map(estimate.stacks.map((s) => [s.stack, s]));
    for (const section of stacks!) {
      const run = runs.get(section.name)!;
      for (const read of section.reads) expect({ stack: section.name, startsAfter: run.startSeconds >= runs.get(read)!.finishSeconds }).toEqual({ stack: section.name, startsAfter: true });
    }
    // The cluster stacks wait for the fleet stack: the whole deploy is longer than any one chain.
    expect(estimate.firstUpSeconds).toBeGreaterThan(estimate.criticalPathSeconds);
  });

  it("gives each cluster's stack the Kustomizations of its own folders alone: the part of the tree `plan --only-stack` renders", () => {
    for (const section of fleetStacks(planned.spec, "prod")) {
      const applied = treePartsOf(stackArgs(planned.document.resources.filter((r) => r.stack === section.name)).resources);
      expect([section.name, [...applied.keys()]]).toEqual([section.name, section.kind === "cluster" ? ["gitops"] : []]);
      expect([section.name, applied.get("gitops") ?? []]).toEqual([section.name, treePart(planned.spec, section)]);
    }
  });

  it("keeps every stack at or under 150 resources", () => {
    const over = planned.document.stacks!.filter((s) => s.resources > MAX_RESOURCES_PER_STACK);
    expect(over).toEqual([]);
  });

  it("joins stacks only through declared StackReferences, and a cluster stack never waits on another region", () => {
    const byUrn = new Map(planned.document.resources.map((r) => [r.urn, r]));
    for (const r of planned.document.resources) {
      for (const dep of r.dependsOn) expect(byUrn.get(dep)?.stack).toBe(r.stack);
      if (r.type === "pulumi:pulumi:StackReference" && r.name !== "last-deployment") {
        const section = fleetStacks(planned.spec, "prod").find((s) => s.name === r.stack)!;
        const target = String(r.inputs.name).split("/").pop();
        expect(stackReads(planned.spec, "prod", section)).toContain(target);
      }
    }
    for (const section of planned.document.stacks!.filter((s) => s.kind === "cluster")) {
      const regions = new Set(planned.document.resources.filter((r) => r.stack === section.name).map((r) => r.region));
      // Its own region, and Route 53 (global, served from the home region) for its health checks and records.
      expect([...regions].filter((r) => r !== null && r !== section.region && r !== planned.spec.homeRegion)).toEqual([]);
    }
  });

});

describe("what a change touches", () => {
  it("a change to one cluster touches that cluster's stack only; a fleet-wide one every stack that uses it", async () => {
    // Six clusters: what a change touches depends on the partition, not on the fleet's size
    // (measured at 30 clusters too: one cluster stack).
    const raw = fleetConfig(6, { stacks: "per-cluster" });
    const before = await plan(raw);
    const oneCluster = structuredClone(raw);
    oneCluster.clusters[5].nodes.max = 9;
    expect(touchedStacks(before.document, (await plan(oneCluster)).document)).toEqual(["prod.c5"]);
    const newSecret = { ...structuredClone(raw), secrets: [...raw.secrets, { name: "payments/api-key", namespace: "payments" }] };
    const touched = touchedStacks(before.document, (await plan(newSecret)).document);
    expect(touched).toContain("prod");
    expect(touched.length).toBeGreaterThan(1);
  }, 60_000);
});
