import { creationTime } from "../../cli/creation-times";
import { DeployEstimate, deployEstimate } from "../../cli/deploy-estimate";
import { workflowRunner } from "../../cli/deploy-runner";
import { evaluateProgram } from "../../cli/engine/evaluate";
import { planFleet } from "../../cli/engine/plan-stack";
import { PlanDocument } from "../../cli/plan-document";
import { stageJobOf } from "../../deploy/matrix";
import { clusterStackName, deployStages } from "../../deploy/stacks";
import { FleetSpec, parseFleet } from "../../fleet";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

/** The goal for a cold deploy of a per-cluster fleet: within this factor of one cluster's critical path. */
const GOAL = 1.2;
const WAITER = "aws:acm/certificateValidation:CertificateValidation";

interface Figures {
  readonly single: DeployEstimate;
  readonly work: number;
  /** The fleet planned as a fleet stack, a stack per cluster and links stacks (plan.json's `stack` of each resource). */
  readonly perCluster?: { readonly spec: FleetSpec; readonly plan: PlanDocument };
}
const figures = new Map<number, Figures>();
/** 30 clusters with Argo CD, a stack per cluster: round-robin over ten regions, a hub and two spokes in each. */
let argo: NonNullable<Figures["perCluster"]>;

/** `plan`'s estimate over other resources or stages, as the plan computes it. */
function estimateOf({ spec, plan }: NonNullable<Figures["perCluster"]>, resources = plan.resources, stages = deployStages(spec, plan.stack, () => true)): DeployEstimate {
  return deployEstimate(resources, { stack: plan.stack, stages, jobOf: stageJobOf(stages) });
}

beforeAll(async () => {
  for (const size of [2, 10, 30]) {
    const { resources } = await evaluateProgram(stackConfig(fleetConfig(size)), "123456789012");
    const single = deployEstimate(resources, { stack: "test" });
    const work = resources.reduce((sum, r) => sum + creationTime(r.type, r.region).seconds, 0);
    if (size === 2) {
      figures.set(size, { single, work });
      continue;
    }
    const raw = fleetConfig(size, { stacks: "per-cluster" });
    const spec = parseFleet(raw, "us-east-1");
    const { document } = await planFleet(spec, stackConfig(raw));
    figures.set(size, { single, work, perCluster: { spec, plan: document } });
  }
  const raw = fleetConfig(30, { stacks: "per-cluster", gitops: { engine: "argocd", repoUrl: "https://github.com/acme/platform.git", branch: "main", path: "gitops" } });
  const spec = parseFleet(raw, "us-east-1");
  argo = { spec, plan: (await planFleet(spec, stackConfig(raw))).document };
}, 180_000);

describe("a cold deploy on the workflows' runner", () => {
  const slots = workflowRunner().slots;
  /** One cluster's critical path: the chain of a cluster of the smallest fleet. */
  const oneCluster = () => figures.get(2)!.single.criticalPathSeconds;

  it.each([10, 30])("of %i clusters in one stack is bound by the runner's slots, not by the chain", (size) => {
    const { single, work } = figures.get(size)!;
    expect(single.runner.slots).toBe(slots);
    // The chain does not grow with the fleet; with unbounded parallelism the deploy is the chain.
    expect(single.criticalPathSeconds).toBe(oneCluster());
    expect(single.unboundedSeconds).toBe(oneCluster());
    // No schedule beats the work spread over every slot, and here that is well past the chain.
    expect(single.firstUpSeconds).toBeGreaterThanOrEqual(work / slots);
    expect(work / slots).toBeGreaterThan(2 * oneCluster());
  });

  it.each([10, 30])(`of %i clusters in a stack per cluster takes at most ${GOAL}× one cluster's critical path`, (size) => {
    const { plan } = figures.get(size)!.perCluster!;
    const { estimate } = plan;
    expect(estimate.runner.slots).toBe(slots);
    expect(estimate.criticalPathSeconds).toBe(oneCluster());
    expect(estimate.firstUpSeconds).toBeLessThanOrEqual(GOAL * oneCluster());
    // Every stack counts: the figure is the last stack's finish, links stacks included.
    expect(estimate.firstUpSeconds).toBe(Math.max(...estimate.stacks.map((s) => s.finishSeconds)));
    expect(estimate.stacks.map((s) => s.stack).sort()).toEqual(plan.stacks!.map((s) => s.name).sort());
  });

  it.each([10, 30])("of %i clusters runs the fleet stack briefly, then every cluster stack at once, then the links stacks", (size) => {
    const { plan } = figures.get(size)!.perCluster!;
    const kindOf = new Map(plan.stacks!.map((s) => [s.name, s.kind]));
    const runs = (kind: string) => plan.estimate.stacks.filter((s) => kindOf.get(s.stack) === kind);
    const [fleet] = runs("fleet");
    const [clusters, links] = [runs("cluster"), runs("links")];
    expect(clusters).toHaveLength(size);
    expect(fleet.startSeconds).toBe(0);
    // What every cluster waits for takes no longer than the slowest single step it holds (an NLB, a Route 53 change).
    expect(fleet.finishSeconds).toBeLessThan(0.1 * oneCluster());
    const clustersEnd = Math.max(...clusters.map((c) => c.finishSeconds));
    for (const cluster of clusters) {
      expect(cluster.startSeconds).toBe(fleet.finishSeconds);
      // Each cluster stack alone takes about one cluster's chain at the runner's slots.
      expect(cluster.finishSeconds - cluster.startSeconds).toBeLessThan(1.1 * oneCluster());
    }
    for (const link of links) expect(link.startSeconds).toBeGreaterThanOrEqual(clustersEnd);
    expect(Math.max(...links.map((l) => l.finishSeconds)) - clustersEnd).toBeLessThan(0.1 * oneCluster());
  });

  it("misses the goal with the certificate waiters back in the fleet stack: every cluster would wait for ACM", () => {
    const { perCluster } = figures.get(10)!;
    const { plan } = perCluster!;
    const waiters = plan.resources.filter((r) => r.type === WAITER);
    expect(waiters.length).toBe(10);
    // As before: under the fleet stack's certificates component, each after its region's
    // certificate (no longer through the cluster's StackReference), the listeners waiting for them.
    const certificates = plan.resources.find((r) => r.type === "eks-fleet:ingress:GatewayCertificates")!;
    const certificateIn = (region: string | null) => plan.resources.find((r) => r.type === "aws:acm/certificate:Certificate" && r.region === region)!;
    expect([certificates.stack, certificateIn(waiters[0].region).stack]).toEqual([plan.stack, plan.stack]);
    const moved = plan.resources.map((r) => (r.type === WAITER ? { ...r, stack: plan.stack, parent: certificates.urn, dependsOn: [certificateIn(r.region).urn] } : r));
    const estimate = estimateOf(perCluster!, moved);
    expect(estimate.stacks.find((s) => s.stack === plan.stack)!.finishSeconds).toBeGreaterThanOrEqual(creationTime(WAITER).seconds);
    expect(estimate.firstUpSeconds).toBeGreaterThan(GOAL * oneCluster());
  });

  it("misses the goal if a cold deploy created the clusters wave by wave: a stack that holds nothing has nothing to protect", () => {
    const { perCluster } = figures.get(10)!;
    const { spec, plan } = perCluster!;
    expect(spec.waves.length).toBeGreaterThan(1);
    const byWaves = estimateOf(perCluster!, plan.resources, deployStages(spec, plan.stack));
    expect(byWaves.firstUpSeconds).toBeGreaterThan(spec.waves.length * oneCluster());
    expect(estimateOf(perCluster!).firstUpSeconds).toBe(plan.estimate.firstUpSeconds);
  });

  it("of a stack per cluster grows little from 10 to 30 clusters, where one stack grows with the fleet", () => {
    const [ten, thirty] = [figures.get(10)!, figures.get(30)!];
    expect(thirty.perCluster!.plan.estimate.firstUpSeconds / ten.perCluster!.plan.estimate.firstUpSeconds).toBeLessThan(1.05);
    expect(thirty.single.firstUpSeconds / ten.single.firstUpSeconds).toBeGreaterThan(2.5);
  });
});

describe("a cold deploy of an Argo CD fleet whose hubs have spokes, a stack per cluster", () => {
  const hubStacks = () => new Set(argo.spec.hubs.map((h) => clusterStackName(argo.plan.stack, h.name)));

  it(`of 30 clusters, a hub and two spokes in each of ten regions, takes at most ${GOAL}× one cluster's critical path: hubs and spokes start together`, () => {
    const { spec, plan } = argo;
    expect(spec.clusters.filter((c) => c.argocdHub !== c.name)).toHaveLength(20);
    const { estimate } = plan;
    expect(estimate.runner.slots).toBe(workflowRunner().slots);
    expect(estimate.firstUpSeconds).toBeLessThanOrEqual(GOAL * estimate.criticalPathSeconds);
    const fleet = estimate.stacks.find((s) => s.stack === plan.stack)!;
    const clusters = estimate.stacks.filter((s) => plan.stacks!.find((x) => x.name === s.stack)!.kind === "cluster");
    expect(clusters).toHaveLength(30);
    for (const cluster of clusters) expect([cluster.stack, cluster.startSeconds]).toEqual([cluster.stack, fleet.finishSeconds]);
    expect(clusters.filter((c) => hubStacks().has(c.stack))).toHaveLength(10);
    // Each region's addresses stack runs in the fleet stack's stage and is through before it (the
    // matrix's max-parallel may hold one back a few seconds): no stage more, no later cluster.
    const addresses = estimate.stacks.filter((s) => plan.stacks!.find((x) => x.name === s.stack)!.kind === "addresses");
    expect(addresses).toHaveLength(10);
    expect(fleet.startSeconds).toBe(0);
    for (const stack of addresses) expect([stack.stack, stack.stage, stack.finishSeconds <= fleet.finishSeconds]).toEqual([stack.stack, 1, true]);
    expect(deployStages(spec, plan.stack, () => true)).toHaveLength(3);
  });

  it("misses the goal with each hub a stage ahead of its spokes, as when a spoke's stack read its hub's NAT addresses", () => {
    const [fleet, clusters, ...joining] = deployStages(argo.spec, argo.plan.stack, () => true);
    const hubFirst = [fleet, clusters.filter((s) => hubStacks().has(s)), clusters.filter((s) => !hubStacks().has(s)), ...joining];
    const estimate = estimateOf(argo, argo.plan.resources, hubFirst);
    expect(estimate.firstUpSeconds).toBeGreaterThan(GOAL * estimate.criticalPathSeconds);
    expect(estimateOf(argo).firstUpSeconds).toBe(argo.plan.estimate.firstUpSeconds);
  });
});
