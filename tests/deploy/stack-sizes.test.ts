import { evaluateProgram } from "../../cli/engine/evaluate";
import { CLUSTER_OUTPUT } from "../../components/stack-inputs";
import { planOrder } from "../../deploy/plan-stacks";
import { FleetStack } from "../../deploy/stacks";
import { parseFleet } from "../../fleet";
import { ACCELERATOR_MAX_CLUSTERS_PER_REGION, ACCELERATOR_MAX_PASSIVE_REGIONS } from "../../fleet/rules";
import { SUPPORTED_REGIONS } from "../../fleet/zones";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

/** The bound: a stack Pulumi evaluates, locks and checkpoints quickly, whatever the fleet's size. */
const MAX_RESOURCES_PER_STACK = 150;

/** The fleet's clusters moved into its first `count` regions (the fixture spreads them over ten). */
function inRegions(raw: Record<string, any>, count: number): void {
  const regions = [...new Set(raw.clusters.map((c: { region: string }) => c.region))].slice(0, count) as string[];
  raw.clusters.forEach((c: { region: string }, i: number) => (c.region = regions[i % regions.length]));
}

/** The fleet's clusters spread over every region the fleet supports, in turn. */
function inEveryRegion(raw: Record<string, any>): void {
  raw.clusters.forEach((c: { region: string }, i: number) => (c.region = SUPPORTED_REGIONS[i % SUPPORTED_REGIONS.length]));
}

function activeActive(raw: Record<string, any>): void {
  raw.mode = "active-active";
  for (const c of raw.clusters) delete c.role;
}

/**
 * Every DNS mode at its largest, each over the fewest regions (what joins a region's clusters
 * grows with them) and the most (what is per region grows with the regions): 100 clusters,
 * or the most the mode allows (behind the accelerator, ten clusters a region; active-passive,
 * three regions).
 */
const FLEETS: [string, number, (raw: Record<string, any>) => void][] = [
  ["Route 53 failover (active-passive) over ten regions", 100, () => undefined],
  ["Route 53 failover (active-passive) over three regions", 100, (raw) => inRegions(raw, 3)],
  ["Route 53 latency (active-active) over ten regions", 100, activeActive],
  ["Route 53 latency (active-active) over three regions", 100, (raw) => (activeActive(raw), inRegions(raw, 3))],
  ["Global Accelerator (active-passive) over three regions", ACCELERATOR_MAX_PASSIVE_REGIONS * ACCELERATOR_MAX_CLUSTERS_PER_REGION, (raw) => ((raw.dns.globalAccelerator = true), inRegions(raw, ACCELERATOR_MAX_PASSIVE_REGIONS))],
  ["Global Accelerator (active-active) over ten regions", 100, (raw) => (activeActive(raw), (raw.dns.globalAccelerator = true))],
  // Argo CD registers each cluster on its region's hub from that region's links stack.
  ["Route 53 failover (active-passive) with Argo CD over three regions", 100, (raw) => ((raw.gitops.engine = "argocd"), inRegions(raw, 3))],
  // What is per hub (its NAT addresses) grows with the regions: a hub and a spoke in every supported region.
  ["Route 53 failover (active-passive) with Argo CD over every supported region", 2 * SUPPORTED_REGIONS.length, (raw) => ((raw.gitops.engine = "argocd"), inEveryRegion(raw))],
];

/**
 * Resources per stack of a per-cluster fleet, each stack run through the offline engine in
 * deploy order as `npm run plan` runs it (cli/engine/plan-stack.ts), its StackReferences
 * reading what the stacks before it returned. Cluster and replication stacks, the kinds of
 * which there are as many as clusters, are the program run for one cluster each: one per
 * kind, role and Argo CD hubship is run (the fixture's regions all have three zones, so the
 * region changes names, not resources), and every other one returns that one's outputs (what a replication
 * or links stack builds depends on which stacks it reads, not on the ARNs it reads) and is
 * reported at that one's size, so a 100-cluster fleet takes seconds.
 */
async function stackSizes(raw: Record<string, any>): Promise<{ stack: FleetStack; resources: number }[]> {
  const spec = parseFleet(raw, "us-east-1");
  const config = stackConfig(raw, "us-east-1", "prod");
  const outputs = new Map<string, Record<string, unknown>>();
  const sizes: { stack: FleetStack; resources: number }[] = [];
  const sampled = new Map<string, { outputs: Record<string, unknown>; resources: number }>();
  for (const stack of planOrder(spec, "prod")) {
    const cluster = spec.clusters.find((c) => c.name === stack.cluster);
    const key = cluster ? `${stack.kind}/${cluster.role}/${spec.hubs.includes(cluster)}` : undefined;
    const sample = key === undefined ? undefined : sampled.get(key);
    if (sample) {
      outputs.set(stack.name, stack.kind === "cluster" ? { [CLUSTER_OUTPUT]: sample.outputs[CLUSTER_OUTPUT] } : {});
      sizes.push({ stack, resources: sample.resources });
      continue;
    }
    const evaluated = await evaluateProgram({ ...config, stack: stack.name }, spec.accountId, "fast", [], outputs);
    outputs.set(stack.name, evaluated.outputs);
    sizes.push({ stack, resources: evaluated.resources.length });
    if (key !== undefined) sampled.set(key, { outputs: evaluated.outputs, resources: evaluated.resources.length });
  }
  return sizes;
}

describe("the stacks of a per-cluster fleet", () => {
  it.each(FLEETS)(
    "behind %s, of %i clusters, hold at most 150 resources each",
    async (_, size, layout) => {
      const raw = fleetConfig(size, { stacks: "per-cluster" });
      layout(raw);
      const sizes = await stackSizes(raw);
      const over = sizes.filter((s) => s.resources > MAX_RESOURCES_PER_STACK).map((s) => `${s.stack.name}: ${s.resources}`);
      expect(over).toEqual([]);
      // Every kind of stack was measured, the links stacks included, and with Argo CD the hubs' addresses stacks.
      const argocd = raw.gitops.engine === "argocd" ? ["addresses"] : [];
      expect(new Set(sizes.map((s) => s.stack.kind))).toEqual(new Set(["fleet", "cluster", "replication", "links", ...argocd]));
    },
    60_000,
  );
});
