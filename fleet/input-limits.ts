import { contains, Ipv4Network, overlaps, parseIpv4Cidr, size } from "./cidr";
import { Problem } from "./errors";
import { regionProblem } from "./regions";
import { checkAwsNames } from "./aws-names";
import { architectureOf, nodeAmiType } from "./instance-types";
import { cronProblem, durationSeconds, scheduleGaps } from "./schedule";
import { FleetConfig } from "./schema";

/**
 * Input that parses but that AWS, Git or a GitOps agent would refuse later (or, worse,
 * accept and do something else with): each check names the field and says what to write.
 */
export function checkInputLimits(fleet: FleetConfig): Problem[] {
  return [
    ...checkRepository(fleet),
    ...checkDnsLimits(fleet),
    ...checkNetworks(fleet),
    ...checkCounts(fleet),
    ...checkNodes(fleet),
    ...checkBackupSchedule(fleet),
    ...checkClusterAdmins(fleet),
    ...checkAllowedRegions(fleet),
    ...checkAwsNames(fleet),
  ];
}

/** Route 53: a name of at most 255 bytes on the wire, i.e. 253 characters written out. */
const MAX_DNS_NAME = 253;
/** EKS service quota "Nodes per managed node group" (default 450). */
const MAX_NODES_PER_GROUP = 450;
/** Velero's TTL is a Go time.Duration: an int64 of nanoseconds, about 2562047 hours. */
const MAX_RETENTION_HOURS = 2_562_047;
/** The longest cluster name (fleet/schema.ts): each cluster serves `<fleet>-<cluster>.<record>` (names.clusterHostname). */
const MAX_CLUSTER_NAME = 16;

function checkRepository(fleet: FleetConfig): Problem[] {
  const problems: Problem[] = [];
  const { repoUrl, branch, secretRef } = fleet.gitops;
  const url = repoUrlProblem(repoUrl, secretRef);
  if (url) problems.push({ path: "fleet.gitops.repoUrl", message: url });
  const ref = branchProblem(branch);
  if (ref) problems.push({ path: "fleet.gitops.branch", message: ref });
  return problems;
}

/**
 * Flux accepts only http(s):// and ssh:// URLs (fluxcd/source-controller
 * `api/v1/gitrepository_types.go`, `+kubebuilder:validation:Pattern="^(http|https|ssh)://.*$"`).
 * Credentials never go in the URL (it is printed, planned and committed): they live in the
 * Secret that `gitops.secretRef` names. The URL itself is never echoed in a message.
 */
export function repoUrlProblem(repoUrl: string, secretRef: string | undefined): string | undefined {
  const scp = /^([\w.-]+)@([\w.-]+):(?!\/\/)(.+)$/.exec(repoUrl);
  if (scp) {
    const [, user, host, repo] = scp;
    return `scp-style URLs are not accepted by Flux; write ssh://${user}@${host}/${repo.replace(/^\//, "")}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(repoUrl);
  } catch {
    return "is not a URL";
  }
  if (parsed.password !== "" || (parsed.protocol === "https:" && parsed.username !== "")) {
    return "holds credentials: remove them from the URL and name a Secret holding them in fleet.gitops.secretRef";
  }
  if (parsed.protocol === "ssh:" && secretRef === undefined) {
    return "an ssh:// repository needs fleet.gitops.secretRef: the Secret holding the deploy key (identity, known_hosts)";
  }
  return undefined;
}

/** The rules of `git check-ref-format --branch`, and no leading '-' (it would read as an option). */
export function branchProblem(branch: string): string | undefined {
  const bad =
    branch.startsWith("-") ||
    branch === "@" ||
    /[\x00-\x20\x7f~^:?*[\\]/.test(branch) ||
    branch.includes("..") ||
    branch.includes("@{") ||
    branch.includes("//") ||
    branch.startsWith("/") ||
    branch.endsWith("/") ||
    branch.endsWith(".") ||
    branch.split("/").some((part) => part.startsWith(".") || part.endsWith(".lock"));
  return bad ? `'${branch}' is not a valid Git branch name (see git check-ref-format)` : undefined;
}

function checkDnsLimits(fleet: FleetConfig): Problem[] {
  const problems: Problem[] = [];
  // The health check path's length (Route 53 `ResourcePath`, 255) is checked by the schema.
  const { zone, record } = fleet.dns;
  if (record === zone) {
    problems.push({ path: "fleet.dns.record", message: `'${record}' is the zone apex, where a CNAME cannot exist; use a name inside the zone such as api.${zone}` });
  }
  if (zone.length > MAX_DNS_NAME) problems.push({ path: "fleet.dns.zone", message: `must be at most ${MAX_DNS_NAME} characters` });
  const hostnameLabel = fleet.name.length + 1 + MAX_CLUSTER_NAME;
  if (record.length + 1 + hostnameLabel > MAX_DNS_NAME) {
    problems.push({ path: "fleet.dns.record", message: `must be at most ${MAX_DNS_NAME - 1 - hostnameLabel} characters, so that <fleet>-<cluster>.${"<record>"} fits Route 53's ${MAX_DNS_NAME}` });
  }
  const path = healthPathProblem(fleet.dns.healthCheckPath);
  if (path) problems.push({ path: "fleet.dns.healthCheckPath", message: path });
  return problems;
}

/**
 * The gateway answers the health check at an exact nginx location, and nginx matches a
 * request only after resolving '.' and '..' segments and merging '//' (nginx
 * ngx_http_core_module, "location"): such a path never matches, and every cluster looks down.
 */
export function healthPathProblem(path: string): string | undefined {
  if (path.includes("//")) return `'${path}' has an empty segment ('//'): the gateway's exact match never sees it, so every health check would fail; write it without`;
  const dot = path.split("/").find((segment) => segment === "." || segment === "..");
  if (dot) return `'${path}' has a '${dot}' segment: the gateway resolves it before matching, so every health check would fail; write the path it resolves to`;
  return undefined;
}

/** Ranges that are not public unicast addresses (RFC 6890), by name. */
const SPECIAL_RANGES: readonly [string, string][] = [
  ["0.0.0.0/8", "'this network'"], ["10.0.0.0/8", "private (RFC 1918)"], ["100.64.0.0/10", "shared address space (RFC 6598)"],
  ["127.0.0.0/8", "loopback"], ["169.254.0.0/16", "link-local"], ["172.16.0.0/12", "private (RFC 1918)"],
  ["192.0.0.0/24", "IETF protocol assignments"], ["192.0.2.0/24", "documentation (TEST-NET-1)"], ["192.168.0.0/16", "private (RFC 1918)"],
  ["198.18.0.0/15", "benchmarking"], ["224.0.0.0/4", "multicast"], ["240.0.0.0/4", "reserved"],
];
/** Address space a VPC may use: RFC 1918 and the shared 100.64.0.0/10 (AWS's recommendation). */
const VPC_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

const network = (cidr: string) => parseIpv4Cidr(cidr) as Ipv4Network;

function checkNetworks(fleet: FleetConfig): Problem[] {
  const problems: Problem[] = [];
  const allowed: Ipv4Network[] = [];
  fleet.apiAccessCidrs.forEach((cidr, i) => {
    const parsed = parseIpv4Cidr(cidr);
    if (typeof parsed === "string") return; // reported by rules.ts
    allowed.push(parsed);
    const special = SPECIAL_RANGES.find(([range]) => overlaps(network(range), parsed));
    if (special && parsed.prefix > 0) {
      problems.push({
        path: `fleet.apiAccessCidrs[${i}]`,
        message: `'${cidr}' includes ${special[0]} (${special[1]}); the public endpoint sees public addresses: list your CI and VPN egress ranges`,
      });
    }
  });
  if (coversEverything(allowed) && !allowed.some((n) => n.prefix === 0)) {
    problems.push({ path: "fleet.apiAccessCidrs", message: "together cover the whole IPv4 internet; list your CI runners' and VPN egress ranges" });
  }
  fleet.clusters.forEach((cluster, i) => {
    const parsed = parseIpv4Cidr(cluster.vpcCidr);
    if (typeof parsed === "string") return; // reported by rules.ts
    if (!VPC_RANGES.some((range) => contains(network(range), parsed))) {
      problems.push({ path: `fleet.clusters[${i}].vpcCidr`, message: `'${cluster.vpcCidr}' is outside private address space (${VPC_RANGES.join(", ")})` });
    }
  });
  return problems;
}

/** Whether the networks together cover 0.0.0.0/0 (a sweep over sorted ranges: linear after the sort). */
function coversEverything(networks: readonly Ipv4Network[]): boolean {
  let reached = 0;
  for (const n of [...networks].sort((a, b) => a.base - b.base)) {
    if (n.base > reached) return false;
    reached = Math.max(reached, n.base + size(n.prefix));
  }
  return reached >= size(0);
}

function checkCounts(fleet: FleetConfig): Problem[] {
  const problems: Problem[] = [];
  fleet.clusters.forEach((cluster, i) => {
    if (cluster.nodes.max > MAX_NODES_PER_GROUP) {
      problems.push({ path: `fleet.clusters[${i}].nodes.max`, message: `${cluster.nodes.max} exceeds the EKS quota of ${MAX_NODES_PER_GROUP} nodes per managed node group` });
    }
  });
  const retention = durationSeconds(fleet.backup.retention);
  if (retention !== undefined && retention > MAX_RETENTION_HOURS * 3600) {
    problems.push({ path: "fleet.backup.retention", message: `'${fleet.backup.retention}' exceeds the longest duration Velero can hold (${MAX_RETENTION_HOURS}h)` });
  }
  return problems;
}

/**
 * The system node group runs what every cluster needs before anything else can be scheduled
 * (CoreDNS, Karpenter, the GitOps agent), on one AMI for all its instance types.
 */
function checkNodes(fleet: FleetConfig): Problem[] {
  return fleet.clusters.flatMap((cluster, i) => {
    const problems: Problem[] = [];
    const { desired, instanceTypes } = cluster.nodes;
    if (desired === 0) {
      problems.push({ path: `fleet.clusters[${i}].nodes.desired`, message: "0 leaves the system node group empty: CoreDNS, Karpenter and the GitOps agent run there, so nothing could be scheduled; at least 1" });
    }
    if (nodeAmiType(instanceTypes) === undefined) {
      const by = (arch: string) => instanceTypes.filter((t) => architectureOf(t) === arch).join(", ");
      problems.push({ path: `fleet.clusters[${i}].nodes.instanceTypes`, message: `mixes Graviton (arm64: ${by("arm64")}) and x86-64 (${by("x86_64")}) types; a node group runs one AMI, so list one architecture` });
    }
    return problems;
  });
}

/**
 * Velero evaluates schedules once a minute and skips a run while the schedule's previous backup
 * is still running (vmware-tanzu/velero `pkg/controller/schedule_controller.go`,
 * `checkIfBackupInNewOrProgress`): a schedule that starts backups more often than one runs
 * (`backup.maxDuration`) backs up no more often, and the RPO the plan reports, which counts
 * the gap between starts, would not hold.
 */
const VELERO_SCHEDULE_CHECK_SECONDS = 60;

function checkBackupSchedule(fleet: FleetConfig): Problem[] {
  const { schedule, maxDuration } = fleet.backup;
  if (cronProblem(schedule)) return []; // reported by rules.ts
  const gaps = scheduleGaps(schedule);
  const path = "fleet.backup.schedule";
  if (!gaps) return [{ path, message: `'${schedule}' never runs (no date matches it), so nothing would be backed up` }];
  const duration = durationSeconds(maxDuration);
  if (duration === undefined) return []; // reported by rules.ts
  if (gaps.shortest < Math.max(duration, VELERO_SCHEDULE_CHECK_SECONDS)) {
    const floor = duration >= VELERO_SCHEDULE_CHECK_SECONDS ? `a backup runs (backup.maxDuration, ${maxDuration})` : "Velero checks its schedules (once a minute)";
    return [{ path, message: `'${schedule}' starts backups ${gaps.shortest} s apart, more often than ${floor}: Velero skips a run while the last backup is still running, so the RPO the plan reports would not hold; start them further apart or lower backup.maxDuration` }];
  }
  return [];
}

/** EKS refuses a second access entry for one principal (409 ResourceInUseException). */
function checkClusterAdmins(fleet: FleetConfig): Problem[] {
  const first = new Map<string, number>();
  return fleet.clusterAdmins.flatMap((arn, i) => {
    const seen = first.get(arn);
    if (seen === undefined) {
      first.set(arn, i);
      return [];
    }
    return [{ path: `fleet.clusterAdmins[${i}]`, message: `'${arn}' is already fleet.clusterAdmins[${seen}]: EKS refuses a second access entry for one principal` }];
  });
}

function checkAllowedRegions(fleet: FleetConfig): Problem[] {
  return (fleet.policy?.allowedRegions ?? []).flatMap((region, i) => {
    const problem = regionProblem(region);
    return problem ? [{ path: `fleet.policy.allowedRegions[${i}]`, message: problem }] : [];
  });
}
