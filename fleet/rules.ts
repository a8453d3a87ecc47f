import { cronProblem, durationSeconds } from "./schedule";
import { Ipv4Network, overlaps, parseIpv4Cidr } from "./cidr";
import { Problem } from "./errors";
import { checkInputLimits } from "./input-limits";
import { regionProblem } from "./regions";
import { isReservedNamespace } from "./names";
import { FleetConfig } from "./schema";
import { standbyHubOf } from "./spec";
import { versionProblem } from "./versions";
import { zoneCountOf } from "./zones";

/**
 * Public endpoint access CIDR ranges per cluster, a fixed EKS quota (EKS User Guide,
 * "Amazon EKS service quotas": 40, not adjustable).
 */
export const EKS_MAX_PUBLIC_ACCESS_CIDRS = 40;

/** VPCs are carved into up to three private /(p+3) and three public /(p+6) subnets, one per zone. */
export const VPC_PREFIX_RANGE = { min: 16, max: 20 } as const;

/**
 * The rules no single field can express. Each returns every problem it finds, so one run
 * reports everything wrong with a stack file, not just the first mistake.
 */
export function checkFleet(fleet: FleetConfig, homeRegion: string, now: Date): Problem[] {
  return [
    ...checkHomeRegion(homeRegion),
    ...checkScalars(fleet, now),
    ...checkClusters(fleet),
    ...checkRoles(fleet),
    ...checkGitops(fleet),
    ...checkPublicAccessCidrs(fleet),
    ...checkDns(fleet),
    ...checkNamespaces(fleet),
    ...checkInputLimits(fleet),
  ];
}

function checkHomeRegion(homeRegion: string): Problem[] {
  const problem = regionProblem(homeRegion);
  return problem ? [{ path: "aws:region", message: problem }] : [];
}

/** `now` dates the version check: EKS offers a version from its release to its end of extended support. */
function checkScalars(fleet: FleetConfig, now: Date): Problem[] {
  const problems: Problem[] = [];
  const version = versionProblem(fleet.kubernetesVersion, now);
  if (version) problems.push({ path: "fleet.kubernetesVersion", message: version });
  const cron = cronProblem(fleet.backup.schedule);
  if (cron) problems.push({ path: "fleet.backup.schedule", message: cron });
  const retention = durationSeconds(fleet.backup.retention);
  if (retention === undefined || retention < 3600) {
    problems.push({ path: "fleet.backup.retention", message: `'${fleet.backup.retention}' must be a duration of at least 1h, such as 720h` });
  }
  const maxDuration = durationSeconds(fleet.backup.maxDuration);
  if (maxDuration === undefined || maxDuration < 60) {
    problems.push({ path: "fleet.backup.maxDuration", message: `'${fleet.backup.maxDuration}' must be a duration of at least 1m, such as 30m` });
  }
  fleet.apiAccessCidrs.forEach((cidr, i) => {
    const path = `fleet.apiAccessCidrs[${i}]`;
    const parsed = parseIpv4Cidr(cidr);
    if (typeof parsed === "string") problems.push({ path, message: parsed });
    else if (parsed.prefix === 0) problems.push({ path, message: "0.0.0.0/0 opens the API endpoint to the internet; list your CI and VPN egress ranges, or none for a private endpoint" });
  });
  return problems;
}

function checkClusters(fleet: FleetConfig): Problem[] {
  const problems: Problem[] = [];
  const { clusters } = fleet;
  if (clusters.length < 2) {
    problems.push({ path: "fleet.clusters", message: `a fleet needs at least two clusters for high availability (found ${clusters.length})` });
  }
  const firstByName = new Map<string, number>();
  const networks: { index: number; network: Ipv4Network; cidr: string }[] = [];
  clusters.forEach((cluster, i) => {
    const at = (key: string) => `fleet.clusters[${i}].${key}`;
    const seen = firstByName.get(cluster.name);
    if (seen !== undefined) problems.push({ path: at("name"), message: `'${cluster.name}' is already the name of fleet.clusters[${seen}]` });
    else firstByName.set(cluster.name, i);

    const region = regionProblem(cluster.region);
    if (region) problems.push({ path: at("region"), message: region });

    const parsed = parseIpv4Cidr(cluster.vpcCidr);
    if (typeof parsed === "string") {
      problems.push({ path: at("vpcCidr"), message: parsed });
    } else if (parsed.prefix < VPC_PREFIX_RANGE.min || parsed.prefix > VPC_PREFIX_RANGE.max) {
      problems.push({ path: at("vpcCidr"), message: `'${cluster.vpcCidr}' must be between /${VPC_PREFIX_RANGE.min} and /${VPC_PREFIX_RANGE.max}` });
    } else {
      // Peering, Transit Gateway and restores across regions need disjoint address space.
      const clash = networks.find((other) => overlaps(other.network, parsed));
      if (clash) problems.push({ path: at("vpcCidr"), message: `'${cluster.vpcCidr}' overlaps fleet.clusters[${clash.index}].vpcCidr (${clash.cidr})` });
      networks.push({ index: i, network: parsed, cidr: cluster.vpcCidr });
    }

    const { min, desired, max } = cluster.nodes;
    if (min > desired) problems.push({ path: at("nodes.min"), message: `min (${min}) must not exceed desired (${desired})` });
    if (desired > max) problems.push({ path: at("nodes.desired"), message: `desired (${desired}) must not exceed max (${max})` });
  });

  clusters.forEach((cluster, i) => {
    if (cluster.backupPartner === undefined) return;
    const path = `fleet.clusters[${i}].backupPartner`;
    const partner = clusters.find((c) => c.name === cluster.backupPartner);
    if (!partner) problems.push({ path, message: `'${cluster.backupPartner}' is not a cluster of this fleet` });
    else if (partner.region === cluster.region) problems.push({ path, message: `'${partner.name}' is in ${cluster.region} too; backups must leave the region` });
  });

  const regions = new Set(clusters.map((c) => c.region));
  if (clusters.length >= 2 && regions.size < 2) {
    problems.push({ path: "fleet.clusters", message: "all clusters are in one region; a fleet needs at least two regions to survive a regional outage" });
  }
  return problems;
}

function checkRoles(fleet: FleetConfig): Problem[] {
  const problems: Problem[] = [];
  if (fleet.mode === "active-active") {
    if (fleet.standby !== undefined) {
      problems.push({ path: "fleet.standby", message: "active-active has no standby: every cluster serves; remove standby or switch mode to active-passive" });
    }
    fleet.clusters.forEach((cluster, i) => {
      if (cluster.role === "secondary") {
        problems.push({ path: `fleet.clusters[${i}].role`, message: "active-active has no secondaries: every cluster serves; omit role or switch mode to active-passive" });
      }
    });
    return problems;
  }
  fleet.clusters.forEach((cluster, i) => {
    if (cluster.role === undefined) problems.push({ path: `fleet.clusters[${i}].role`, message: "active-passive needs a role: primary or secondary" });
  });
  const primaries = fleet.clusters.filter((c) => c.role === "primary");
  if (primaries.length !== 1 && fleet.clusters.every((c) => c.role !== undefined)) {
    problems.push({ path: "fleet.clusters", message: `active-passive needs exactly one primary (found ${primaries.length}${primaries.length ? `: ${primaries.map((c) => c.name).join(", ")}` : ""})` });
  }
  return problems;
}

function checkGitops(fleet: FleetConfig): Problem[] {
  const { engine, hub } = fleet.gitops;
  const names = fleet.clusters.map((c) => c.name);
  if (engine === "argocd") {
    if (hub === undefined) return [{ path: "fleet.gitops.hub", message: "argocd needs a hub: the name of the cluster that runs Argo CD" }];
    if (!names.includes(hub)) return [{ path: "fleet.gitops.hub", message: `'${hub}' is not a cluster of this fleet (${names.join(", ")})` }];
    return [];
  }
  return hub === undefined ? [] : [{ path: "fleet.gitops.hub", message: "only the argocd engine has a hub; flux runs in every cluster" }];
}

/** Every spoke's public endpoint lists `apiAccessCidrs` plus the Argo CD hub's NAT addresses (one per zone). */
function checkPublicAccessCidrs(fleet: FleetConfig): Problem[] {
  // Every spoke admits the NAT addresses of the hub and of its standby.
  const hub = fleet.gitops.engine === "argocd" ? fleet.clusters.find((c) => c.name === fleet.gitops.hub) : undefined;
  const hubs = hub ? [hub, standbyHubOf(fleet.clusters, hub.name)].filter((c) => c !== undefined) : [];
  const hubAddresses = hubs.reduce((sum, c) => sum + zoneCountOf(c.region), 0);
  const total = fleet.apiAccessCidrs.length + hubAddresses;
  if (total <= EKS_MAX_PUBLIC_ACCESS_CIDRS) return [];
  const why = hubAddresses ? ` with the Argo CD hubs' ${hubAddresses} NAT addresses` : "";
  return [{ path: "fleet.apiAccessCidrs", message: `${fleet.apiAccessCidrs.length} ranges${why} exceed the ${EKS_MAX_PUBLIC_ACCESS_CIDRS} public access CIDRs EKS allows per cluster; list at most ${EKS_MAX_PUBLIC_ACCESS_CIDRS - hubAddresses}` }];
}

function checkDns(fleet: FleetConfig): Problem[] {
  const { zone, record } = fleet.dns;
  if (record === zone || record.endsWith(`.${zone}`)) return [];
  return [{ path: "fleet.dns.record", message: `'${record}' is not inside the zone '${zone}'` }];
}

function checkNamespaces(fleet: FleetConfig): Problem[] {
  const problems: Problem[] = [];
  const declared = new Set<string>();
  fleet.namespaces.forEach((ns, i) => {
    if (declared.has(ns.name)) problems.push({ path: `fleet.namespaces[${i}].name`, message: `'${ns.name}' is declared twice` });
    if (isReservedNamespace(ns.name)) {
      problems.push({
        path: `fleet.namespaces[${i}].name`,
        message: `'${ns.name}' is reserved for Kubernetes or the fleet's own agents; its default-deny and quota would cut their DNS, API and Git access. Choose another name`,
      });
    }
    declared.add(ns.name);
  });
  const secretNames = new Set<string>();
  fleet.secrets.forEach((secret, i) => {
    if (!declared.has(secret.namespace)) {
      problems.push({ path: `fleet.secrets[${i}].namespace`, message: `'${secret.namespace}' is not declared in fleet.namespaces` });
    }
    if (secretNames.has(secret.name)) problems.push({ path: `fleet.secrets[${i}].name`, message: `'${secret.name}' is declared twice` });
    secretNames.add(secret.name);
  });
  return problems;
}
