import type { ClusterSpec, FleetSpec } from "../fleet/spec";
import { stackPrefixes } from "../fleet/stack-paths";

/**
 * The Pulumi stacks one fleet is deployed as, all from the one stack file `Pulumi.<fleet stack>.yaml`.
 *
 * `fleet.stacks: single` (the default): that stack holds the whole fleet.
 * `fleet.stacks: per-cluster`: that stack is the fleet stack, and the program knows what else to
 * build from the name of the stack it runs as (`pulumi.getStack()`), by convention:
 * - `<fleet stack>`: what every cluster needs first and only once: the replicated secrets and
 *   their regional keys, the gateway certificates and their validation record (and the
 *   fleet-wide IAM roles);
 * - `<fleet stack>.<cluster>`: one cluster and everything only it uses: VPC, control plane, nodes,
 *   add-ons, agent, backup bucket, load balancer, and its part of the fleet record (its health
 *   checks and its records in the answer sets, or its latency record);
 * - `<fleet stack>.links.<region>`: what joins clusters, after them: the replication rules of the
 *   backup buckets in that region (each names its partner's bucket and key, which must exist),
 *   and in the home region `<record>` itself (its failover group, which aliases sets the
 *   clusters made, and the accelerator, which needs the load balancers' ARNs).
 * Cluster names are DNS labels, so `<fleet>.<cluster>` never reads as `<fleet>.links.<region>`.
 * No stack has a config file of its own: each reads the fleet stack's file (fleet/pulumi-config.ts).
 */
export type StackKind = "single" | "fleet" | "cluster" | "links";

export interface FleetStack {
  readonly name: string;
  readonly kind: StackKind;
  /** A cluster stack's cluster. */
  readonly cluster?: string;
  /** A cluster or links stack's region. */
  readonly region?: string;
}

export const clusterStackName = (fleetStack: string, cluster: string) => `${fleetStack}.${cluster}`;
export const linksStackName = (fleetStack: string, region: string) => `${fleetStack}.links.${region}`;

/** The clusters whose backups replicate to a partner: each has a replication rule in its region's links stack. */
export function replicatingClusters(spec: FleetSpec): ClusterSpec[] {
  return spec.clusters.filter((c) => c.backup.partner !== undefined && c.backup.partner !== c.name);
}

/**
 * Whether `<record>` needs resources over every cluster: it is a failover group in every mode
 * (components/dns-routing.ts: over the answer sets, the latency set or the accelerator), so
 * the home region always has a links stack.
 */
export function hasFleetRecord(_spec: FleetSpec): boolean {
  return true;
}

/** Regions that have a links stack: those with a replicating cluster, and the home region when the fleet record needs one. */
export function linkRegions(spec: FleetSpec): string[] {
  const regions = new Set(replicatingClusters(spec).map((c) => c.region));
  if (hasFleetRecord(spec)) regions.add(spec.homeRegion);
  return [...spec.regions, spec.homeRegion].filter((r, i, all) => regions.has(r) && all.indexOf(r) === i);
}

/** Every stack of the fleet, in deploy order: the fleet stack, the clusters in fleet order, the links stacks. */
export function fleetStacks(spec: FleetSpec, fleetStack: string): FleetStack[] {
  if (spec.stacks === "single") return [{ name: fleetStack, kind: "single" }];
  return [
    { name: fleetStack, kind: "fleet" },
    ...spec.clusters.map((c) => ({ name: clusterStackName(fleetStack, c.name), kind: "cluster" as const, cluster: c.name, region: c.region })),
    ...linkRegions(spec).map((region) => ({ name: linksStackName(fleetStack, region), kind: "links" as const, region })),
  ];
}

/**
 * The stack `name` runs as, and its fleet stack: the shortest prefix of `name` (at a dot) whose
 * fleet has a stack called `name`; `name` itself for a single or fleet stack. Undefined when
 * none fits `spec`.
 */
export function resolveStack(spec: FleetSpec, name: string): { fleetStack: string; stack: FleetStack } | undefined {
  for (const fleetStack of stackPrefixes(name).reverse()) {
    const stack = fleetStacks(spec, fleetStack).find((s) => s.name === name);
    if (stack) return { fleetStack, stack };
  }
  return undefined;
}

/** The stack a cluster's resources live in. */
export function stackOfCluster(spec: FleetSpec, fleetStack: string, cluster: string): string {
  return spec.stacks === "single" ? fleetStack : clusterStackName(fleetStack, cluster);
}

/**
 * The stacks whose outputs a stack reads (StackReferences), each for a value AWS assigns:
 * a cluster reads the fleet stack (secret, key and certificate ARNs); a links stack reads the
 * clusters whose bucket it replicates from or into (bucket keys), and, for the accelerator, its
 * clusters' load balancers (every cluster). Failover records alias names the program computes:
 * the links stack only has to come after the clusters. The fleet stack reads nothing, so it
 * deploys first and alone. A StackReference reads the Pulumi backend, never an AWS region: a
 * region's outage cannot block it.
 */
export function stackReads(spec: FleetSpec, fleetStack: string, stack: FleetStack): string[] {
  const cluster = (name: string) => clusterStackName(fleetStack, name);
  switch (stack.kind) {
    case "single":
    case "fleet":
      return [];
    case "cluster":
      return [fleetStack];
    case "links": {
      const sources = replicatingClusters(spec).filter((c) => c.region === stack.region);
      const ends = sources.flatMap((c) => [c.name, c.backup.partner]);
      const everyCluster = stack.region === spec.homeRegion && spec.dns.globalAccelerator ? spec.clusters.map((c) => c.name) : [];
      const read = new Set([...ends, ...everyCluster]);
      return spec.clusters.filter((c) => read.has(c.name)).map((c) => cluster(c.name));
    }
  }
}

/**
 * Groups of stacks deployed one after the other, each group in parallel: the fleet stack, then
 * each rollout wave's cluster stacks (fleet.rollout's waves, in order), then the links stacks.
 * What the orchestrator runs (deploy/orchestrator.ts) and the deploy estimate models
 * (cli/deploy-estimate.ts). A single-stack fleet is one group of one.
 *
 * Waves hold a change back from the clusters that serve until the first ones took it. A
 * cluster stack that holds nothing yet (`isNew`: a cold deploy, a cluster added to the fleet)
 * has nothing running to protect, and no cluster stack reads another (stackReads): it joins
 * the first cluster group instead of waiting for the waves before its own, so a cold deploy
 * takes one cluster's time, not one per wave. A stack that holds resources, even from a
 * failed first deploy, keeps its wave. @default every stack holds resources: waves as given
 */
export function deployStages(spec: FleetSpec, fleetStack: string, isNew: (stack: string) => boolean = () => false): string[][] {
  if (spec.stacks === "single") return [[fleetStack]];
  const waves = spec.waves.map((wave) => wave.clusters.map((c) => clusterStackName(fleetStack, c)));
  const [first = [], ...later] = waves;
  const clusterStages = [[...first, ...later.flat().filter(isNew)], ...later.map((stacks) => stacks.filter((s) => !isNew(s)))].filter((s) => s.length > 0);
  const links = linkRegions(spec).map((r) => linksStackName(fleetStack, r));
  return [[fleetStack], ...clusterStages, ...(links.length > 0 ? [links] : [])];
}
