import { backupPartners } from "./backup-partners";
import { carve, parseIpv4Cidr, Ipv4Network } from "./cidr";
import { DrFigures, drFigures, Standby } from "./dr";
import { durationSeconds } from "./schedule";
import { FleetConfig } from "./schema";
import { defaultZoneIds, MAX_ZONES } from "./zones";
import * as names from "./names";
import { deepFreeze } from "./deep-freeze";
import { SupportType, supportTypeOf } from "./versions";
import { buildRollout, buildWaves, RolloutSpec, WaveSpec } from "./waves";

export type Mode = FleetConfig["mode"];
/** `active` is every cluster of an active-active fleet. */
export type ClusterRole = "primary" | "secondary" | "active";

/**
 * What a cluster's apps layer runs: everything (a primary, or any cluster of an
 * active-active fleet), a warm copy at reduced scale, or nothing (pilot light).
 */
export type AppsState = "running" | "warm" | "stopped";

export interface NodesSpec {
  readonly instanceTypes: readonly string[];
  readonly min: number;
  readonly desired: number;
  readonly max: number;
  readonly diskSizeGiB: number;
}

export interface BackupSpec {
  /** This cluster's own bucket, in its region; Velero writes under `prefix`. */
  readonly bucket: string;
  readonly prefix: string;
  /** Where this cluster's backups replicate to (another region). */
  readonly partner: string;
  /** Peers whose backups land in this cluster's bucket: restore-only locations. */
  readonly replicasFrom: readonly string[];
}

export interface ClusterSpec {
  readonly name: string;
  readonly index: number;
  readonly region: string;
  readonly role: ClusterRole;
  /** Takes traffic and runs apps at full scale without a promotion. */
  readonly serves: boolean;
  /**
   * Active-passive only: the one standby that takes the traffic when the primary fails, before
   * anyone acts (Route 53's SECONDARY answer): the primary's backup partner, whose bucket
   * already holds the primary's backups.
   */
  readonly takeover: boolean;
  /** Argo CD only: the cluster whose Argo CD manages this one (its region's hub; itself on a hub). */
  readonly argocdHub?: string;
  /** How the rendered apps layer runs on this cluster (derived from the role and `standby`). */
  readonly apps: AppsState;
  readonly vpcCidr: string;
  /** The Availability Zone IDs of its subnet pairs, in order (fleet/zones.ts, or the cluster's `zoneIds`). */
  readonly zoneIds: readonly string[];
  /** One private and one public subnet per availability zone: three, or two where the region offers two. */
  readonly subnets: { readonly private: readonly string[]; readonly public: readonly string[] };
  readonly nodes: NodesSpec;
  readonly labels: Readonly<Record<string, string>>;
  readonly eksClusterName: string;
  readonly hostname: string;
  readonly gitopsPaths: Readonly<Record<names.TreeLayer, string>>;
  readonly backup: BackupSpec;
  /** The wave (`FleetSpec.waves`) this cluster is in. */
  readonly wave: string;
  /**
   * The Kubernetes minor version this cluster runs: `fleet.kubernetesVersion` once its wave has
   * it, the version its wave was promoted to while an upgrade rolls through the waves before it
   * (charts/rollout-state.ts, `withClusterReleases`). Every version reader (control plane, node
   * groups, add-ons) reads this, never the fleet's.
   */
  readonly kubernetesVersion: string;
}

export interface FleetSpec {
  readonly name: string;
  readonly accountId: string;
  readonly mode: Mode;
  /** Active-passive only: what a secondary runs. */
  readonly standby?: Standby;
  /** The version the fleet is going to: the first wave gets it, the others when promoted (`ClusterSpec.kubernetesVersion`). */
  readonly kubernetesVersion: string;
  /** The stack opted in to EKS extended support (`extendedSupport: true`). */
  readonly extendedSupport: boolean;
  /** What every cluster's `upgradePolicy.supportType` must be: STANDARD unless the stack opted in (`clusterUpgradePolicy`). */
  readonly supportType: SupportType;
  /** `aws:region`: Route 53, the secrets' primary region. */
  readonly homeRegion: string;
  /** One stack, or a fleet stack with a stack per cluster (deploy/stacks.ts). */
  readonly stacks: FleetConfig["stacks"];
  readonly apiAccessCidrs: readonly string[];
  readonly clusterAdmins: readonly string[];
  /** The role that runs `pulumi up`: cluster-admin through its own access entry. */
  readonly deployRoleArn: string;
  /** The role previews and drift checks run as: view-only access entry. */
  readonly previewRoleArn?: string;
  /** ARC zonal autoshift with its practice runs (`zonalAutoshift`); absent: zonal shift only, started by hand. */
  readonly zonalAutoshift?: FleetConfig["zonalAutoshift"];
  readonly gitops: FleetConfig["gitops"];
  readonly dns: FleetConfig["dns"];
  readonly backup: FleetConfig["backup"] & { readonly retentionDays: number; readonly maxDurationSeconds: number };
  readonly namespaces: FleetConfig["namespaces"];
  readonly secrets: FleetConfig["secrets"];
  readonly clusters: readonly ClusterSpec[];
  /** Distinct cluster regions, in cluster order. */
  readonly regions: readonly string[];
  readonly primary?: ClusterSpec;
  readonly secondaries: readonly ClusterSpec[];
  /** Active-passive only: the standby that takes over when the primary fails (`ClusterSpec.takeover`). */
  readonly takeover?: ClusterSpec;
  /**
   * Argo CD only: one hub per region, each managing the clusters of its region (empty with
   * Flux), in cluster order. Losing a region loses only that region's reconciler, never a
   * surviving cluster's; the cost grows with the regions, not as a mesh.
   */
  readonly hubs: readonly ClusterSpec[];
  readonly dr: DrFigures;
  /** The order a change reaches the clusters, each wave baking before the next (fleet/waves.ts). */
  readonly waves: readonly WaveSpec[];
  readonly rollout: RolloutSpec;
}

/** Builds the immutable model from a config that already passed `checkFleet`. */
export function buildFleetSpec(config: FleetConfig, homeRegion: string): FleetSpec {
  const partners = backupPartners(config.clusters);
  const standby: Standby | undefined = config.mode === "active-passive" ? config.standby ?? "warm" : undefined;
  const primaryConfig = config.mode === "active-passive" ? config.clusters.find((c) => c.role === "primary") : undefined;
  const takeoverName = primaryConfig ? partners.get(primaryConfig.name) : undefined;
  const hubByRegion = config.gitops.engine === "argocd" ? argocdHubs(config.clusters, config.gitops.hubs) : new Map<string, string>();
  const waves = buildWaves(config);
  const clusters: ClusterSpec[] = config.clusters.map((c, index) => {
    const role: ClusterRole = config.mode === "active-active" ? "active" : c.role!;
    const zoneIds = c.zoneIds ?? defaultZoneIds(c.region);
    return {
      name: c.name,
      index,
      region: c.region,
      role,
      serves: role !== "secondary",
      takeover: c.name === takeoverName,
      ...(hubByRegion.size > 0 ? { argocdHub: hubByRegion.get(c.region)! } : {}),
      apps: role !== "secondary" ? "running" : standby === "pilot-light" ? "stopped" : "warm",
      vpcCidr: c.vpcCidr,
      zoneIds,
      subnets: subnetsOf(parseIpv4Cidr(c.vpcCidr) as Ipv4Network, zoneIds.length),
      nodes: c.nodes,
      labels: c.labels,
      eksClusterName: names.eksClusterName(config.name, c.name),
      hostname: names.clusterHostname(names.eksClusterName(config.name, c.name), config.dns.record),
      gitopsPaths: names.gitopsPaths(config.gitops.path, c.name),
      backup: {
        bucket: names.backupBucketName(config.name, c.name, config.accountId),
        prefix: c.name,
        partner: partners.get(c.name)!,
        replicasFrom: config.clusters.filter((peer) => partners.get(peer.name) === c.name).map((peer) => peer.name),
      },
      wave: waves.find((w) => w.clusters.includes(c.name))!.name,
      kubernetesVersion: config.kubernetesVersion,
    };
  });
  const spec: FleetSpec = {
    name: config.name,
    accountId: config.accountId,
    mode: config.mode,
    standby,
    kubernetesVersion: config.kubernetesVersion,
    extendedSupport: config.extendedSupport,
    supportType: supportTypeOf(config.extendedSupport),
    homeRegion,
    stacks: config.stacks,
    apiAccessCidrs: config.apiAccessCidrs,
    clusterAdmins: config.clusterAdmins,
    deployRoleArn: config.deployRoleArn,
    previewRoleArn: config.previewRoleArn,
    zonalAutoshift: config.zonalAutoshift,
    gitops: config.gitops,
    dns: config.dns,
    backup: {
      ...config.backup,
      retentionDays: Math.ceil(durationSeconds(config.backup.retention)! / 86400),
      maxDurationSeconds: durationSeconds(config.backup.maxDuration)!,
    },
    namespaces: config.namespaces,
    secrets: config.secrets,
    clusters,
    regions: [...new Set(clusters.map((c) => c.region))],
    primary: clusters.find((c) => c.role === "primary"),
    secondaries: clusters.filter((c) => c.role === "secondary"),
    takeover: clusters.find((c) => c.takeover),
    hubs: clusters.filter((c) => [...hubByRegion.values()].includes(c.name)),
    dr: drFigures({
      ttl: config.dns.ttl,
      schedule: config.backup.schedule,
      backupDurationSeconds: durationSeconds(config.backup.maxDuration)!,
      mode: config.mode,
      standby,
      engine: config.gitops.engine,
      accelerator: config.dns.globalAccelerator,
    }),
    waves,
    rollout: buildRollout(config),
  };
  return deepFreeze(spec);
}

/**
 * The Argo CD hub of each region: the cluster `gitops.hubs` pins there, else the region's
 * first cluster in fleet order. A hub manages only its own region's clusters, so a region
 * outage takes down exactly the reconciler of the clusters it takes down.
 */
export function argocdHubs(
  clusters: readonly { readonly name: string; readonly region: string }[],
  pinned: Readonly<Record<string, string>> = {},
): Map<string, string> {
  const hubs = new Map<string, string>();
  for (const c of clusters) if (!hubs.has(c.region)) hubs.set(c.region, pinned[c.region] ?? c.name);
  return hubs;
}

/**
 * Three slots of private /(p+3) subnets for nodes and pods, then three of public /(p+6) for
 * load balancers; a zone uses its slot, so a two-zone cluster leaves the third free and
 * every address keeps its place whatever the zone count.
 */
function subnetsOf(vpc: Ipv4Network, zones: number) {
  const privatePrefix = vpc.prefix + 3;
  const privateSpan = MAX_ZONES * 2 ** (32 - privatePrefix);
  const slots = Array.from({ length: zones }, (_, i) => i);
  return {
    private: slots.map((i) => carve(vpc, privatePrefix, i)),
    public: slots.map((i) => carve(vpc, vpc.prefix + 6, i, privateSpan)),
  };
}
