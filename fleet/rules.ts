import { cronProblem, durationSeconds } from "./schedule";
import { Ipv4Network, overlaps, parseIpv4Cidr } from "./cidr";
import { Problem } from "./errors";
import { checkInputLimits } from "./input-limits";
import { regionProblem } from "./regions";
import { isReservedNamespace } from "./names";
import { FleetConfig } from "./schema";
import { argocdHubs } from "./spec";
import { addonVersionsProblem, controllerVersionsProblem, versionProblem } from "./versions";
import { checkWaves } from "./waves";
import { zoneCountOf, zoneIdsProblem } from "./zones";
import { checkNamespaceAdmins } from "./access";
import { checkZonalAutoshift } from "./zonal-autoshift";

/**
 * Public endpoint access CIDR ranges per cluster, a fixed EKS quota (EKS User Guide,
 * "Amazon EKS service quotas": 40, not adjustable).
 */
export const EKS_MAX_PUBLIC_ACCESS_CIDRS = 40;

/**
 * Why a private-only endpoint is refused rather than offered. The program installs every
 * cluster's agents (Helm releases, Flux and Argo CD objects) through the cluster's Kubernetes
 * API in the same `pulumi up` that creates its VPC, so the runner needs a route to the
 * endpoint before anything inside the VPC could give it one; a runner inside every cluster's
 * VPC (one per region, created by this same run) is not something the program can provide.
 * EKS keeps the private endpoint on for traffic from inside the VPC either way
 * (`endpointPrivateAccess: true`), so the public one is limited, never the only way in.
 */
export const PRIVATE_ONLY_REFUSED =
  "is empty, and a private-only endpoint is not offered: `pulumi up` installs every cluster's agents through its Kubernetes API, and the runner of the deploy sits outside the VPCs the same run creates, with no route to a private endpoint. List the public egress ranges of your CI runners (and your VPN), e.g. [203.0.113.0/24]: the endpoint stays private inside each VPC and public to those ranges only";

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
    ...checkAccessPrincipals(fleet),
    ...checkDns(fleet),
    ...checkNamespaces(fleet),
    ...checkNamespaceAdmins(fleet),
    ...checkWaves(fleet),
    ...checkZonalAutoshift(fleet),
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
  const version = versionProblem(fleet.kubernetesVersion, now) ?? addonVersionsProblem(fleet.kubernetesVersion) ?? controllerVersionsProblem(fleet.kubernetesVersion);
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
    else if (parsed.prefix === 0) problems.push({ path, message: "0.0.0.0/0 opens the API endpoint to the internet; list your CI runners' and VPN egress ranges" });
  });
  if (fleet.apiAccessCidrs.length === 0) problems.push({ path: "fleet.apiAccessCidrs", message: PRIVATE_ONLY_REFUSED });
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

    if (cluster.zoneIds !== undefined && !region) {
      const zones = zoneIdsProblem(cluster.zoneIds, cluster.region);
      if (zones) problems.push({ path: at("zoneIds"), message: zones });
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
  const { engine, hub, hubs } = fleet.gitops;
  const problems: Problem[] = [];
  if (hub !== undefined) {
    // A single hub with a standby left every cluster of another region without a reconciler
    // until someone acted; now every region runs its own (fleet/spec.ts, argocdHubs).
    const cluster = fleet.clusters.find((c) => c.name === hub);
    const pin = cluster ? ` or, to keep '${hub}' as its region's hub when it is not the first cluster there, write gitops.hubs: { ${cluster.region}: ${hub} }` : "";
    problems.push({
      path: "fleet.gitops.hub",
      message: `replaced by one Argo CD hub per region (the region's first cluster by default): remove gitops.hub${pin}`,
    });
  }
  if (hubs === undefined) return problems;
  if (engine !== "argocd") return [...problems, { path: "fleet.gitops.hubs", message: "only the argocd engine has hubs; flux runs in every cluster" }];
  for (const [region, name] of Object.entries(hubs)) {
    const path = `fleet.gitops.hubs.${region}`;
    const cluster = fleet.clusters.find((c) => c.name === name);
    if (!fleet.clusters.some((c) => c.region === region)) problems.push({ path, message: `no cluster of this fleet is in ${region}` });
    else if (!cluster) problems.push({ path, message: `'${name}' is not a cluster of this fleet (${fleet.clusters.map((c) => c.name).join(", ")})` });
    else if (cluster.region !== region) problems.push({ path, message: `'${name}' is in ${cluster.region}; a hub manages the clusters of its own region` });
  }
  return problems;
}

/**
 * Every cluster's public endpoint lists `apiAccessCidrs` plus, with Argo CD, the NAT
 * addresses of its region's hub (one per zone) unless it is the hub itself.
 */
function checkPublicAccessCidrs(fleet: FleetConfig): Problem[] {
  const hubs = fleet.gitops.engine === "argocd" ? argocdHubs(fleet.clusters, fleet.gitops.hubs) : new Map<string, string>();
  // A hub has a NAT address per zone: its own zoneIds when it names them.
  const natAddresses = (name: string) => {
    const hub = fleet.clusters.find((c) => c.name === name);
    return hub ? (hub.zoneIds?.length ?? zoneCountOf(hub.region)) : 0;
  };
  const hubAddresses = Math.max(0, ...fleet.clusters.map((c) => {
    const hub = hubs.get(c.region);
    return hub !== undefined && hub !== c.name ? natAddresses(hub) : 0;
  }));
  const total = fleet.apiAccessCidrs.length + hubAddresses;
  if (total <= EKS_MAX_PUBLIC_ACCESS_CIDRS) return [];
  const why = hubAddresses ? ` with an Argo CD hub's ${hubAddresses} NAT addresses` : "";
  return [{ path: "fleet.apiAccessCidrs", message: `${fleet.apiAccessCidrs.length} ranges${why} exceed the ${EKS_MAX_PUBLIC_ACCESS_CIDRS} public access CIDRs EKS allows per cluster; list at most ${EKS_MAX_PUBLIC_ACCESS_CIDRS - hubAddresses}` }];
}

/** `account/role-name` of a role ARN: IAM role names are unique in an account whatever their path. */
function roleKey(arn: string): string {
  const [, account, name] = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn) ?? [];
  return `${account}/${name}`;
}

/**
 * The principals that get access entries: the deploy role (admin), clusterAdmins (admin) and
 * the preview role (view). Each may appear once: a second access entry for one principal
 * fails with 409 ResourceInUseException (pulumi/pulumi-eks#2373). The deploy and preview
 * roles work in the fleet's own account: that is where the deploy creates everything.
 */
function checkAccessPrincipals(fleet: FleetConfig): Problem[] {
  const problems: Problem[] = [];
  const principals: { path: string; arn: string }[] = [
    { path: "fleet.deployRoleArn", arn: fleet.deployRoleArn },
    ...fleet.clusterAdmins.map((arn, i) => ({ path: `fleet.clusterAdmins[${i}]`, arn })),
    ...(fleet.previewRoleArn ? [{ path: "fleet.previewRoleArn", arn: fleet.previewRoleArn }] : []),
  ];
  principals.forEach(({ path, arn }, i) => {
    const first = principals.findIndex((p) => roleKey(p.arn) === roleKey(arn));
    // The same ARN twice in clusterAdmins is input-limits.ts's to report.
    const repeatedAdmin = principals[first].arn === arn && path.startsWith("fleet.clusterAdmins") && principals[first].path.startsWith("fleet.clusterAdmins");
    if (first < i && !repeatedAdmin) {
      problems.push({ path, message: `${arn} is ${principals[first].path} already; each role gets one access entry (a second one fails with 409 ResourceInUseException)` });
    }
  });
  for (const key of ["deployRoleArn", "previewRoleArn"] as const) {
    const account = /^arn:aws:iam::(\d{12}):/.exec(fleet[key] ?? "")?.[1];
    if (account !== undefined && account !== fleet.accountId) {
      problems.push({ path: `fleet.${key}`, message: `is a role of account ${account}, not of fleet.accountId (${fleet.accountId}): it must work in the account the fleet is deployed to` });
    }
  }
  return problems;
}

/**
 * Global Accelerator looks for a healthy endpoint in the three endpoint groups closest to a
 * client and otherwise fails open to the closest one (AWS Global Accelerator developer guide,
 * "How failover works for unhealthy endpoints"). In active-passive only the primary's
 * endpoint is healthy, so every client must have the primary's region among its three
 * closest: at most three regions.
 */
export const ACCELERATOR_MAX_PASSIVE_REGIONS = 3;

/**
 * A listener has one endpoint group per region, and an endpoint group takes at most 10
 * endpoints (Global Accelerator API reference, CreateEndpointGroup: EndpointGroupRegion,
 * EndpointConfigurations): behind the accelerator a region holds at most 10 clusters.
 */
export const ACCELERATOR_MAX_CLUSTERS_PER_REGION = 10;

function checkDns(fleet: FleetConfig): Problem[] {
  const problems: Problem[] = [];
  const { zone, record } = fleet.dns;
  if (record !== zone && !record.endsWith(`.${zone}`)) problems.push({ path: "fleet.dns.record", message: `'${record}' is not inside the zone '${zone}'` });
  const regions = new Set(fleet.clusters.map((c) => c.region)).size;
  if (fleet.dns.globalAccelerator && fleet.mode === "active-passive" && regions > ACCELERATOR_MAX_PASSIVE_REGIONS) {
    problems.push({
      path: "fleet.dns.globalAccelerator",
      message: `an active-passive fleet behind Global Accelerator spans at most ${ACCELERATOR_MAX_PASSIVE_REGIONS} regions (found ${regions}): the accelerator looks for the one serving cluster only in the ${ACCELERATOR_MAX_PASSIVE_REGIONS} regions closest to each client. Use Route 53 (globalAccelerator: false) or active-active`,
    });
  }
  if (fleet.dns.globalAccelerator) {
    const seen = new Map<string, number>();
    fleet.clusters.forEach((c, i) => {
      const count = (seen.get(c.region) ?? 0) + 1;
      seen.set(c.region, count);
      if (count === ACCELERATOR_MAX_CLUSTERS_PER_REGION + 1) {
        problems.push({
          path: `fleet.clusters[${i}].region`,
          message: `is the ${count}th cluster in ${c.region}: behind Global Accelerator a region holds at most ${ACCELERATOR_MAX_CLUSTERS_PER_REGION} (its one endpoint group takes at most ${ACCELERATOR_MAX_CLUSTERS_PER_REGION} load balancers). Move clusters to another region or use Route 53 (globalAccelerator: false)`,
        });
      }
    });
  }
  return problems;
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
