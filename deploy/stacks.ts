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
 *   with Argo CD the region's cluster Secrets on its hub (each names its cluster's endpoint and
 *   CA), and in the home region `<record>` itself (its failover group, which aliases sets the
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

/**
 * Argo CD's hub of `cluster`'s region, when it is another cluster: a spoke's endpoint admits its
 * hub's NAT addresses, which AWS assigns, so a spoke's stack reads its hub's.
 */
export function hubOf(spec: FleetSpec, cluster: ClusterSpec): ClusterSpec | undefined {
  const hub = spec.hubs.find((h) => h.name === cluster.argocdHub);
  return hub && hub.name !== cluster.name ? hub : undefined;
}

/** Regions that have a links stack: those with a replicating cluster, those with an Argo CD hub, and the home region when the fleet record needs one. */
export function linkRegions(spec: FleetSpec): string[] {
  const regions = new Set([...replicatingClusters(spec), ...spec.hubs].map((c) => c.region));
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
 * a cluster reads the fleet stack (secret, key and certificate ARNs) and, an Argo CD spoke, its
 * hub's stack (the hub's NAT addresses, which its endpoint admits); a links stack reads the
 * clusters whose bucket it replicates from or into (bucket keys), with Argo CD every cluster
 * of its region (endpoint and CA: the hub's for the connection, each cluster's for its
 * Secret), and, for the accelerator, its clusters' load balancers (every cluster). A spoke's
 * hub is in its region: no stack reads another region's cluster but for the backup partners and
 * the accelerator, as before. Failover records alias names the program computes:
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
    case "cluster": {
      const hub = hubOf(spec, spec.clusters.find((c) => c.name === stack.cluster)!);
      return hub ? [fleetStack, cluster(hub.name)] : [fleetStack];
    }
    case "links": {
      const sources = replicatingClusters(spec).filter((c) => c.region === stack.region);
      const ends = sources.flatMap((c) => [c.name, c.backup.partner]);
      const everyCluster = stack.region === spec.homeRegion && spec.dns.globalAccelerator ? spec.clusters.map((c) => c.name) : [];
      const registered = spec.hubs.some((h) => h.region === stack.region) ? spec.clusters.filter((c) => c.region === stack.region).map((c) => c.name) : [];
      const read = new Set([...ends, ...everyCluster, ...registered]);
      return spec.clusters.filter((c) => read.has(c.name)).map((c) => cluster(c.name));
    }
  }
}

/**
 * The Argo CD hubs whose stacks other cluster stacks read (those with spokes: each spoke's
 * endpoint admits its hub's NAT addresses), in a per-cluster fleet; none otherwise.
 */
export function hubStackClusters(spec: FleetSpec): string[] {
  if (spec.stacks !== "per-cluster") return [];
  return spec.hubs.filter((h) => spec.clusters.some((c) => hubOf(spec, c)?.name === h.name)).map((h) => h.name);
}

/**
 * The rollout waves' clusters as groups in order, each wave one group, or two when it holds an
 * Argo CD hub with spokes: the hubs first (each moved up to its earliest spoke's wave).
 */
function hubFirstWaves(spec: FleetSpec): string[][] {
  const hubs = new Set(hubStackClusters(spec));
  const waveOf = new Map(spec.waves.flatMap((w) => w.clusters.map((c) => [c, w.index] as const)));
  for (const c of spec.clusters) {
    const hub = hubOf(spec, c);
    if (hub && hubs.has(hub.name)) waveOf.set(hub.name, Math.min(waveOf.get(hub.name)!, waveOf.get(c.name)!));
  }
  const ordered = spec.waves.flatMap((w) => w.clusters);
  return spec.waves.flatMap((wave) => {
    const members = ordered.filter((c) => waveOf.get(c) === wave.index);
    const first = members.filter((c) => hubs.has(c));
    return first.length > 0 ? [first, members.filter((c) => !hubs.has(c))] : [members];
  });
}

/**
 * Groups of stacks deployed one after the other, each group in parallel: the fleet stack, then
 * each rollout wave's cluster stacks (fleet.rollout's waves, in order), then the links stacks.
 * What the orchestrator runs (deploy/orchestrator.ts) and the deploy estimate models
 * (cli/deploy-estimate.ts). A single-stack fleet is one group of one.
 *
 * Waves hold a change back from the clusters that serve until the first ones took it. A
 * cluster stack that holds nothing yet (`isNew`: a cold deploy, a cluster added to the fleet)
 * has nothing running to protect: it joins the first cluster group instead of waiting for the
 * waves before its own, so a cold deploy takes one cluster's time, not one per wave. A stack
 * that holds resources, even from a failed first deploy, keeps its wave. @default every stack
 * holds resources: waves as given
 *
 * With Argo CD, a spoke's stack reads its hub's NAT addresses (stackReads), which exist only
 * once the hub's stack has run: a hub with spokes deploys in the earliest wave of its region's
 * clusters, in a group ahead of the rest of that wave, and a stack never runs before or beside
 * a stack it reads (a new spoke of a new hub: one group after it).
 */
export function deployStages(spec: FleetSpec, fleetStack: string, isNew: (stack: string) => boolean = () => false): string[][] {
  if (spec.stacks === "single") return [[fleetStack]];
  const waveGroups = hubFirstWaves(spec);
  const groupOf = new Map(waveGroups.flatMap((group, i) => group.map((c) => [c, i] as const)));
  const level = new Map<string, number>();
  const levelOf = (cluster: ClusterSpec): number => {
    if (!level.has(cluster.name)) {
      const hub = hubOf(spec, cluster);
      const after = hub ? levelOf(hub) + 1 : 0;
      level.set(cluster.name, Math.max(isNew(clusterStackName(fleetStack, cluster.name)) ? 0 : groupOf.get(cluster.name)!, after));
    }
    return level.get(cluster.name)!;
  };
  const clusterStages: string[][] = [];
  for (const cluster of waveGroups.flat().map((c) => spec.clusters.find((x) => x.name === c)!)) (clusterStages[levelOf(cluster)] ??= []).push(clusterStackName(fleetStack, cluster.name));
  const links = linkRegions(spec).map((r) => linksStackName(fleetStack, r));
  return [[fleetStack], ...clusterStages.filter((stage) => stage !== undefined && stage.length > 0), ...(links.length > 0 ? [links] : [])];
}
