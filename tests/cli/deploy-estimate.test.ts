import { creationTime } from "../../cli/creation-times";
import { DeployEstimate, deployEstimate, EstimatedResource } from "../../cli/deploy-estimate";
import { workflowRunner } from "../../cli/deploy-runner";
import { evaluateProgram } from "../../cli/engine/evaluate";
import { DependencyGraph } from "../../cli/engine/graph";
import { RecordedResource } from "../../cli/engine/recording-monitor";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const CLUSTER = "eks-fleet:cluster:RegionalCluster";

/**
 * A stack per cluster, as the fleet is to be split: what sits under a cluster's component is
 * that cluster's stack `<stack>.<cluster>`, the rest the fleet stack `<stack>`, and whatever
 * waits for another cluster's stack (backup replication into a partner's bucket) a links stack
 * of its region, after both. Simulated from the component tree for as long as plan.json names
 * no stack of its own.
 */
function perClusterStacks(resources: readonly RecordedResource[], fleetStack: string): EstimatedResource[] {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const home = (r: RecordedResource): string => {
    for (let x: RecordedResource | undefined = r; x; x = x.parent ? byUrn.get(x.parent) : undefined) if (x.type === CLUSTER) return `${fleetStack}.${x.name}`;
    return fleetStack;
  };
  const graph = new DependencyGraph(resources);
  const stacks = new Map<string, string>();
  for (const urn of graph.topologicalOrder()) {
    const r = byUrn.get(urn)!;
    const own = home(r);
    const joins = graph.waitsOn(urn).some((dep) => stacks.get(dep) !== own && stacks.get(dep) !== fleetStack);
    stacks.set(urn, joins ? `${fleetStack}.links.${r.region}` : own);
  }
  return resources.map((r) => ({ ...r, stack: stacks.get(r.urn)! }));
}

interface Figures {
  readonly single: DeployEstimate;
  readonly perCluster: DeployEstimate;
  readonly work: number;
}
const figures = new Map<number, Figures>();

beforeAll(async () => {
  for (const size of [2, 10, 30]) {
    const { resources } = await evaluateProgram(stackConfig(fleetConfig(size)), "123456789012");
    figures.set(size, {
      single: deployEstimate(resources, { stack: "test" }),
      perCluster: deployEstimate(perClusterStacks(resources, "test"), { stack: "test" }),
      work: resources.reduce((sum, r) => sum + creationTime(r.type, r.region).seconds, 0),
    });
  }
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

  it.each([10, 30])("of %i clusters in a stack per cluster runs the fleet stack, then every cluster side by side, then the links", (size) => {
    const { perCluster, single } = figures.get(size)!;
    const kind = (stack: string) => (stack === "test" ? "fleet" : stack.startsWith("test.links.") ? "links" : "cluster");
    const of = (k: string) => perCluster.stacks.filter((s) => kind(s.stack) === k);
    expect(of("cluster")).toHaveLength(size);
    const [fleet] = of("fleet");
    expect(fleet.startSeconds).toBe(0);
    for (const cluster of of("cluster")) {
      expect(cluster.after).toEqual(["test"]);
      expect(cluster.startSeconds).toBe(fleet.finishSeconds);
      // Each cluster stack alone takes about one cluster's chain at the runner's slots.
      expect(cluster.finishSeconds - cluster.startSeconds).toBeLessThan(1.2 * oneCluster());
    }
    for (const links of of("links")) expect(links.startSeconds).toBe(Math.max(...links.after.map((s) => perCluster.stacks.find((x) => x.stack === s)!.finishSeconds)));
    expect(perCluster.firstUpSeconds).toBe(Math.max(...perCluster.stacks.map((s) => s.finishSeconds)));
    expect(perCluster.firstUpSeconds).toBeLessThan(single.firstUpSeconds);
  });

  it("of a stack per cluster grows little from 10 to 30 clusters, where one stack grows with the fleet", () => {
    const [ten, thirty] = [figures.get(10)!, figures.get(30)!];
    expect(thirty.perCluster.firstUpSeconds / ten.perCluster.firstUpSeconds).toBeLessThan(1.25);
    expect(thirty.single.firstUpSeconds / ten.single.firstUpSeconds).toBeGreaterThan(2.5);
  });
});
