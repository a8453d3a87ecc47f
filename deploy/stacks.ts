import type { ClusterSpec, FleetSpec } from "../fleet/spec";
import { stackPrefixes } from "../fleet/stack-paths";
import { MAX_STACK_WAVES } from "../fleet/waves";

/**
 * The Pulumi stacks one fleet is deployed as, all from the one stack file `Pulumi.<fleet stack>.yaml`.
 *
 * `fleet.stacks: single` (the default): that stack holds the whole fleet.
 * `fleet.stacks: per-cluster`: that stack is the fleet stack, and the program knows what else to
 * build from the name of the stack it runs as (`pulumi.getStack()`), by convention:
 * - `<fleet stack>`: what every cluster needs first and only once: the replicated secrets and
 *   their regional keys, the gateway certificates and their validation record, the fleet-wide
 *   IAM roles, and with `dns.globalAccelerator` the accelerator and its listener;
 * - `<fleet stack>.addresses.<region>`: with Argo CD, beside the fleet stack, the NAT addresses
 *   of the region's hub (its spokes' endpoints admit them, its NAT gateways take them), so
 *   neither the fleet stack nor any cluster stack grows with the hubs' addresses;
 * - `<fleet stack>.<cluster>`: one cluster and everything only it uses: VPC, control plane, nodes,
 *   add-ons, agent, backup bucket, load balancer, and its part of the fleet record (its health
 *   checks and its records in the answer sets, or its latency record);
 * - `<fleet stack>.<cluster>.replication`: after it and its backup partner, the replication rule
 *   of its backup bucket (it names the partner's bucket and key, which must exist);
 * - `<fleet stack>.links.<region>`: what joins a region's clusters: with `dns.globalAccelerator`
 *   the region's endpoint group over their load balancers (one per region and listener), and in
 *   the home region `<record>` itself (its failover group, which aliases sets the clusters made,
 *   or its record of the accelerator, once every region's endpoint group exists), and with
 *   Argo CD the region's cluster Secrets on its hub (each names its cluster's endpoint and CA).
 * Nothing in a stack grows with the fleet but what one region's clusters share: the fleet stack
 * grows with the regions (a key and a certificate each), a links stack with its region's
 * clusters by one read each, and everything per cluster or per hub is in that cluster's or
 * that region's own stacks (tests/deploy/stack-sizes.test.ts).
 * Cluster names are DNS labels, so `<fleet>.<cluster>` never reads as `<fleet>.links.<region>`
 * or `<fleet>.addresses.<region>`, nor `<fleet>.<cluster>.replication` as a links or addresses
 * stack (no region is called `replication`).
 * No stack has a config file of its own: each reads the fleet stack's file (fleet/pulumi-config.ts).
 */
export type StackKind = "single" | "fleet" | "addresses" | "cluster" | "replication" | "links";

export interface FleetStack {
  readonly name: string;
  readonly kind: StackKind;
  /** A cluster or replication stack's cluster. */
  readonly cluster?: string;
  /** An addresses, cluster, replication or links stack's region. */
  readonly region?: string;
}

export const clusterStackName = (fleetStack: string, cluster: string) => `${fleetStack}.${cluster}`;
export const replicationStackName = (fleetStack: string, cluster: string) => `${fleetStack}.${cluster}.replication`;
export const linksStackName = (fleetStack: string, region: string) => `${fleetStack}.links.${region}`;
export const addressesStackName = (fleetStack: string, region: string) => `${fleetStack}.addresses.${region}`;

/** The Argo CD hub of `region`, if it has one (one hub a region: fleet/spec.ts `argocdHubs`). */
export function regionHub(spec: FleetSpec, region: string): ClusterSpec | undefined {
  return spec.hubs.find((h) => h.region === region);
}

/** Regions that have an addresses stack: those with an Argo CD hub, in fleet order. */
export function addressRegions(spec: FleetSpec): string[] {
  return spec.regions.filter((r) => regionHub(spec, r) !== undefined);
}

/** The clusters whose backups replicate to a partner: each has a replication stack (a rule in its bucket). */
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
 * Regions that have a links stack: with the accelerator every fleet region (its endpoint
 * group), those with an Argo CD hub, and the home region for the fleet record.
 */
export function linkRegions(spec: FleetSpec): string[] {
  const regions = new Set([...(spec.dns.globalAccelerator ? spec.regions : []), ...spec.hubs.map((h) => h.region)]);
  if (hasFleetRecord(spec)) regions.add(spec.homeRegion);
  return [...spec.regions, spec.homeRegion].filter((r, i, all) => regions.has(r) && all.indexOf(r) === i);
}

/** Every stack of the fleet: the fleet stack, the hubs' addresses stacks, the clusters in fleet order, their replication, the links stacks. */
export function fleetStacks(spec: FleetSpec, fleetStack: string): FleetStack[] {
  if (spec.stacks === "single") return [{ name: fleetStack, kind: "single" }];
  return [
    { name: fleetStack, kind: "fleet" },
    ...addressRegions(spec).map((region) => ({ name: addressesStackName(fleetStack, region), kind: "addresses" as const, region })),
    ...spec.clusters.map((c) => ({ name: clusterStackName(fleetStack, c.name), kind: "cluster" as const, cluster: c.name, region: c.region })),
    ...replicatingClusters(spec).map((c) => ({ name: replicationStackName(fleetStack, c.name), kind: "replication" as const, cluster: c.name, region: c.region })),
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
 * a cluster reads the fleet stack (secret, key and certificate ARNs) and, with Argo CD, its
 * region's addresses stack (its hub's NAT addresses: a hub's network takes them, a spoke's
 * endpoint admits them), so no cluster stack waits for another; an addresses stack reads
 * nothing; a replication stack its cluster and its partner (bucket
 * keys); a links stack, with the accelerator, the fleet stack (the listener) and its region's
 * clusters (their load balancers), and the home region's also every other region's links
 * stack, so `<record>` names the accelerator only once every endpoint group exists; with Argo
 * CD every cluster of its region (endpoint and CA: the hub's for the connection, each
 * cluster's for its Secret). No stack reads another region's cluster but for the backup
 * partners. Failover records alias names the program computes: without the accelerator the
 * home links stack only has to come after the clusters. The fleet and addresses stacks read
 * nothing, so they deploy first, side by side. A StackReference reads the Pulumi backend, never an AWS region: a
 * region's outage cannot block it.
 */
export function stackReads(spec: FleetSpec, fleetStack: string, stack: FleetStack): string[] {
  const cluster = (name: string) => clusterStackName(fleetStack, name);
  switch (stack.kind) {
    case "single":
    case "fleet":
    case "addresses":
      return [];
    case "cluster":
      return [fleetStack, ...(regionHub(spec, stack.region!) ? [addressesStackName(fleetStack, stack.region!)] : [])];
    case "replication": {
      const partner = spec.clusters.find((c) => c.name === stack.cluster)!.backup.partner;
      return spec.clusters.filter((c) => c.name === stack.cluster || c.name === partner).map((c) => cluster(c.name));
    }
    case "links": {
      const accelerator = spec.dns.globalAccelerator;
      const registered = regionHub(spec, stack.region!) !== undefined;
      const clusters = accelerator || registered ? spec.clusters.filter((c) => c.region === stack.region).map((c) => cluster(c.name)) : [];
      const otherRegions = accelerator && stack.region === spec.homeRegion ? linkRegions(spec).filter((r) => r !== stack.region).map((r) => linksStackName(fleetStack, r)) : [];
      return [...(accelerator ? [fleetStack] : []), ...clusters, ...otherRegions];
    }
  }
}

/**
 * The most stages a fleet deploys in: the fleet and addresses stacks, its waves (fleet/waves.ts caps them),
 * and at most two stages of joining stacks (the home links stack after the others, with the
 * accelerator). The deploy workflow has one stage job for each (deploy/matrix.ts).
 */
export const MAX_DEPLOY_STAGES = 1 + MAX_STACK_WAVES + 2;

/**
 * Groups of stacks deployed one after the other, each group in parallel: the fleet stack and
 * the hubs' addresses stacks, then
 * each rollout wave's cluster stacks (fleet.rollout's waves, in order), then the stacks that
 * join clusters, each after every stack it reads (the replication and links stacks; with the
 * accelerator the home region's links stack after the others). The one rule of what waits for
 * what: the orchestrator runs it (deploy/orchestrator.ts), CI's stage jobs follow it
 * (deploy/matrix.ts), the deploy estimate models it (cli/deploy-estimate.ts). A single-stack
 * fleet is one group of one.
 *
 * Waves hold a change back from the clusters that serve until the first ones took it. A
 * cluster stack that holds nothing yet (`isNew`: a cold deploy, a cluster added to the fleet)
 * has nothing running to protect: it joins the first cluster group instead of waiting for the
 * waves before its own, so a cold deploy takes one cluster's time, not one per wave. A stack
 * that holds resources, even from a failed first deploy, keeps its wave. @default every stack
 * holds resources: waves as given
 *
 * With Argo CD, a hub and its spokes deploy in their own waves too: the hub's NAT addresses,
 * which each spoke's endpoint admits, are allocated in its region's addresses stack, beside the
 * fleet stack (stackReads), so no cluster stack reads another and a cold deploy creates hubs
 * and spokes at once.
 */
export function deployStages(spec: FleetSpec, fleetStack: string, isNew: (stack: string) => boolean = () => false): string[][] {
  if (spec.stacks === "single") return [[fleetStack]];
  const clusterStages: string[][] = [];
  for (const wave of spec.waves) {
    for (const cluster of wave.clusters) (clusterStages[isNew(clusterStackName(fleetStack, cluster)) ? 0 : wave.index] ??= []).push(clusterStackName(fleetStack, cluster));
  }
  const joining = fleetStacks(spec, fleetStack).filter((s) => s.kind === "replication" || s.kind === "links");
  // Each joining stack one stage after the latest joining stack it reads (they read no later stack).
  const depth = new Map<string, number>();
  const depthOf = (stack: FleetStack): number => {
    if (!depth.has(stack.name)) {
      const reads = new Set(stackReads(spec, fleetStack, stack));
      depth.set(stack.name, 1 + Math.max(-1, ...joining.filter((s) => reads.has(s.name)).map(depthOf)));
    }
    return depth.get(stack.name)!;
  };
  const joiningStages: string[][] = [];
  for (const stack of joining) (joiningStages[depthOf(stack)] ??= []).push(stack.name);
  const first = [fleetStack, ...addressRegions(spec).map((r) => addressesStackName(fleetStack, r))];
  return [first, ...clusterStages.filter((stage) => stage !== undefined && stage.length > 0), ...joiningStages];
}
