import { eksVersion, supportPhase } from "../fleet/versions";
import { USAGE } from "./assumptions";
import { instanceHourly } from "./instances";
import { acceleratorPremiumPerGb, GLOBAL_PRICES, HOURS_PER_MONTH, regionalPrices } from "./prices";

/** A resource as plan.json records it (or as a stack policy sees it): what pricing reads. */
export interface CostResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly cluster: string | null;
  readonly region: string | null;
  readonly inputs: Record<string, unknown>;
  /** The engine's id, when known: joins a node group to its launch template. */
  readonly id?: string;
  readonly dependsOn?: readonly string[];
}

export type CostCategory =
  | "EKS control plane" | "nodes" | "node volumes" | "NAT gateways" | "public IPv4" | "load balancers"
  | "Global Accelerator" | "KMS keys" | "health checks" | "DNS queries" | "backup storage" | "backup replication"
  | "secrets" | "logs" | "alarms";

/** One priced item: what, where, how much a month and how it was computed. */
export interface CostLine {
  readonly cluster: string | null;
  readonly region: string | null;
  readonly category: CostCategory;
  readonly resource: string;
  readonly monthlyUsd: number;
  readonly detail: string;
}

/** What pricing one resource may look up: the whole plan, indexed, and the day priced. */
export interface PricingContext {
  readonly asOf: Date;
  readonly byId: ReadonlyMap<string, CostResource>;
  readonly byUrn: ReadonlyMap<string, CostResource>;
  readonly recordsByName: ReadonlyMap<string, readonly CostResource[]>;
  readonly ofType: (type: string) => readonly CostResource[];
  /** Something a line could not price, said in the assumptions. */
  readonly unpriced: (what: string) => void;
}

/** A pricer's lines: the resource's cluster, region and name are added, unless a line names its own region. */
type Pricer = (r: CostResource, ctx: PricingContext) => (Omit<CostLine, "cluster" | "region" | "resource"> & { region?: string | null })[];

const H = HOURS_PER_MONTH;
const usd = (n: number) => `$${Number(n.toFixed(4))}`;
const asRecord = (v: unknown): Record<string, any> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, any>) : {});
const asList = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const regional = (r: CostResource) => regionalPrices(r.region ?? "us-east-1").prices;

export const RECORD = "aws:route53/record:Record";

function controlPlane(r: CostResource, ctx: PricingContext) {
  const version = typeof r.inputs.version === "string" ? r.inputs.version : undefined;
  const phase = version ? supportPhase(version, ctx.asOf) : "unknown";
  const end = version ? eksVersion(version)?.endOfStandard : undefined;
  // A STANDARD upgrade policy makes EKS upgrade the cluster when standard support ends instead of billing extended support.
  const standardOnly = asRecord(r.inputs.upgradePolicy).supportType === "STANDARD";
  const extended = phase === "extended" && !standardOnly;
  const rate = extended ? GLOBAL_PRICES.eksExtendedSupport : GLOBAL_PRICES.eksStandardSupport;
  const why = !version ? "version unknown: standard support assumed"
    : phase === "unknown" ? `${version}: not in fleet/versions.ts, standard support assumed`
    : extended ? `${version}: extended support since ${end}`
    : phase === "extended" || phase === "ended" ? `${version}: upgrade policy STANDARD (EKS upgrades it from ${end})`
    : `${version}: standard support until ${end}`;
  return [{ category: "EKS control plane" as const, monthlyUsd: rate.usd * H, detail: `${why}, ${usd(rate.usd)}/h × ${H} h` }];
}

function nodeGroup(r: CostResource, ctx: PricingContext) {
  const types = asList(r.inputs.instanceTypes).filter((t): t is string => typeof t === "string");
  const desired = Number(asRecord(r.inputs.scalingConfig).desiredSize ?? 0);
  if (types.length === 0) {
    ctx.unpriced(`${r.name}: instance types unknown`);
    return [];
  }
  // On-demand managed node groups launch their instance types in the order given.
  const priced = instanceHourly(types[0], r.region ?? "us-east-1");
  const which = types.length > 1 ? ` (the first of ${types.join(", ")}: on-demand node groups launch in list order)` : "";
  const spot = r.inputs.capacityType === "SPOT" ? "; spot capacity priced at on-demand (an upper bound)" : "";
  const lines = [];
  if ("unpriced" in priced) ctx.unpriced(`${r.name}: ${priced.unpriced}`);
  else lines.push({ category: "nodes" as const, monthlyUsd: desired * priced.hourlyUsd * H, detail: `${desired} × ${types[0]}${which} at ${priced.basis} × ${H} h (desired size)${spot}` });
  const disk = rootVolume(r, ctx);
  const gbMonth = regional(r).ebsGp3GbMonth;
  lines.push({ category: "node volumes" as const, monthlyUsd: desired * disk.gib * gbMonth, detail: `${desired} × ${disk.gib} GiB ${disk.what} at ${usd(gbMonth)}/GB-month` });
  return lines;
}

/** The root volume each node gets: from its launch template, else the node group's diskSize (EKS default 20 GiB). */
function rootVolume(r: CostResource, ctx: PricingContext): { gib: number; what: string } {
  const templateId = asRecord(r.inputs.launchTemplate).id;
  const template = (typeof templateId === "string" ? ctx.byId.get(templateId) : undefined)
    ?? (r.dependsOn ?? []).map((urn) => ctx.byUrn.get(urn)).find((d) => d?.type === "aws:ec2/launchTemplate:LaunchTemplate");
  const ebs = template ? asRecord(asList(template.inputs.blockDeviceMappings)[0]?.ebs) : {};
  if (ebs.volumeSize !== undefined) return { gib: Number(ebs.volumeSize), what: `${ebs.volumeType ?? "gp3"}${ebs.volumeType && ebs.volumeType !== "gp3" ? " (priced as gp3)" : ""} (launch template)` };
  return { gib: Number(r.inputs.diskSize ?? 20), what: "gp3 (node group disk size)" };
}

function natGateway(r: CostResource) {
  const p = regional(r);
  if (r.inputs.connectivityType === "private") return [{ category: "NAT gateways" as const, monthlyUsd: p.natGatewayHour * H, detail: `private NAT gateway ${usd(p.natGatewayHour)}/h × ${H} h` }];
  return [
    { category: "NAT gateways" as const, monthlyUsd: p.natGatewayHour * H, detail: `${usd(p.natGatewayHour)}/h × ${H} h` },
    { category: "NAT gateways" as const, monthlyUsd: p.natGatewayPerGb * USAGE.natGbPerGatewayMonth, detail: `${USAGE.natGbPerGatewayMonth} GB processed (assumed) × ${usd(p.natGatewayPerGb)}/GB` },
  ];
}

const ipv4 = (count: number, what: string) => ({
  category: "public IPv4" as const,
  monthlyUsd: count * GLOBAL_PRICES.publicIpv4.usd * H,
  detail: `${count} ${what} × ${usd(GLOBAL_PRICES.publicIpv4.usd)}/h × ${H} h`,
});

function loadBalancer(r: CostResource) {
  const p = regional(r);
  const zones = Math.max(asList(r.inputs.subnets).length, asList(r.inputs.subnetMappings).length);
  const publicIps = r.inputs.internal === true ? [] : [ipv4(zones, `public IPv4 address(es), one per zone`)];
  if (r.inputs.loadBalancerType === "network") {
    return [
      { category: "load balancers" as const, monthlyUsd: p.nlbHour * H, detail: `NLB ${usd(p.nlbHour)}/h × ${H} h` },
      { category: "load balancers" as const, monthlyUsd: USAGE.nlcuPerLoadBalancerHour * p.nlcuHour * H, detail: `${USAGE.nlcuPerLoadBalancerHour} NLCU (assumed) × ${usd(p.nlcuHour)}/NLCU-hour × ${H} h` },
      ...publicIps,
    ];
  }
  const { albHour, albLcuHour } = GLOBAL_PRICES;
  return [
    { category: "load balancers" as const, monthlyUsd: (albHour.usd + albLcuHour.usd) * H, detail: `ALB ${usd(albHour.usd)}/h + 1 LCU (assumed) × ${usd(albLcuHour.usd)}/h, × ${H} h` },
    ...publicIps,
  ];
}

function accelerator(r: CostResource, ctx: PricingContext) {
  // Standard accelerators get two static IPv4 addresses (four addresses when dual-stack, two of them IPv4).
  const serving = ctx.ofType("aws:globalaccelerator/endpointGroup:EndpointGroup").filter((g) => Number(g.inputs.trafficDialPercentage ?? 100) > 0);
  const share = serving.length ? USAGE.acceleratorGbMonth / serving.length : 0;
  const premium = serving.reduce((sum, g) => sum + share * acceleratorPremiumPerGb(String(g.inputs.endpointGroupRegion ?? g.region)).usd, 0);
  return [
    { category: "Global Accelerator" as const, monthlyUsd: GLOBAL_PRICES.acceleratorFixedFee.usd * H, detail: `fixed fee ${usd(GLOBAL_PRICES.acceleratorFixedFee.usd)}/h × ${H} h` },
    { ...ipv4(2, "static IPv4 addresses"), category: "Global Accelerator" as const },
    { category: "Global Accelerator" as const, monthlyUsd: premium, detail: `DT-premium: ${USAGE.acceleratorGbMonth} GB (assumed) over ${serving.length} serving endpoint group(s), same-continent rate` },
  ];
}

function kmsKey(r: CostResource) {
  const replica = r.type === "aws:kms/replicaKey:ReplicaKey";
  return [{ category: "KMS keys" as const, monthlyUsd: GLOBAL_PRICES.kmsKey.usd, detail: `${replica ? "replica key" : "key"} ${usd(GLOBAL_PRICES.kmsKey.usd)}/month (first year: each of the first two yearly rotations adds $1/month later)` }];
}

function secret(r: CostResource) {
  const replicas = asList(r.inputs.replicas).length;
  return [{ category: "secrets" as const, monthlyUsd: (1 + replicas) * GLOBAL_PRICES.secret.usd, detail: `1 secret + ${replicas} replica(s) × ${usd(GLOBAL_PRICES.secret.usd)}/month` }];
}

function healthCheck(r: CostResource, ctx: PricingContext) {
  const type = String(r.inputs.type ?? "");
  const fqdn = typeof r.inputs.fqdn === "string" ? r.inputs.fqdn : undefined;
  // Calculated and CloudWatch-alarm checks are priced as basic checks of AWS endpoints (PAGES.route53).
  const aws = type === "CALCULATED" || type === "CLOUDWATCH_METRIC" || (fqdn !== undefined && resolvesToAws(fqdn, ctx));
  const options = [
    type.startsWith("HTTPS") && "HTTPS",
    type.endsWith("STR_MATCH") && "string matching",
    Number(r.inputs.requestInterval ?? 30) === 10 && "fast interval",
    r.inputs.measureLatency === true && "latency measurement",
  ].filter((o): o is string => !!o);
  const basic = aws ? GLOBAL_PRICES.healthCheckAwsEndpoint : GLOBAL_PRICES.healthCheckOtherEndpoint;
  const option = aws ? GLOBAL_PRICES.healthCheckOptionAwsEndpoint : GLOBAL_PRICES.healthCheckOptionOtherEndpoint;
  return [{
    category: "health checks" as const,
    monthlyUsd: basic.usd + options.length * option.usd,
    detail: `${aws ? "AWS" : "non-AWS"} endpoint ${usd(basic.usd)}${options.length ? ` + ${options.join(", ")} × ${usd(option.usd)}` : ""} a month`,
  }];
}

/**
 * Whether `name` answers, through the plan's own records, with an alias of an AWS resource.
 * An alias can only name an AWS resource or a record of its zone (Route 53 alias records), so
 * one that names no record of the plan — or a name not known before deploy — is an AWS resource.
 */
function resolvesToAws(name: string, ctx: PricingContext, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false;
  seen.add(name);
  return (ctx.recordsByName.get(name) ?? []).some((record) => {
    const aliases = asList(record.inputs.aliases).map((a) => String(asRecord(a).name ?? ""));
    const targets = [...aliases, ...asList(record.inputs.records).map(String)];
    return aliases.some((a) => !ctx.recordsByName.has(a)) || targets.some((t) => ctx.recordsByName.has(t) && resolvesToAws(t, ctx, seen));
  });
}

function bucket(r: CostResource) {
  const gbMonth = regional(r).s3StandardGbMonth;
  return [{ category: "backup storage" as const, monthlyUsd: USAGE.backupStoredGbPerBucket * gbMonth, detail: `${USAGE.backupStoredGbPerBucket} GB (assumed) × ${usd(gbMonth)}/GB-month S3 Standard` }];
}

function replication(r: CostResource, ctx: PricingContext) {
  const source = regional(r);
  return asList(r.inputs.rules).filter((rule) => rule?.status !== "Disabled").flatMap((rule) => {
    const destinationArn = String(asRecord(rule.destination).bucket ?? "");
    const destination = ctx.ofType("aws:s3/bucket:Bucket").find((b) => `arn:aws:s3:::${b.inputs.bucket}` === destinationArn);
    const gb = USAGE.backupReplicatedGbPerMonth;
    const rtc = asRecord(asRecord(rule.destination).replicationTime).status === "Enabled" ? GLOBAL_PRICES.s3ReplicationTimeControl.usd : 0;
    const replicaRegion = destination?.region ?? r.region;
    const replicaGbMonth = regionalPrices(replicaRegion ?? "us-east-1").prices.s3StandardGbMonth;
    return [
      {
        category: "backup replication" as const,
        monthlyUsd: gb * (source.interRegionPerGb + rtc),
        detail: `${gb} GB/month (assumed) × (${usd(source.interRegionPerGb)} inter-region transfer${rtc ? ` + ${usd(rtc)} Replication Time Control` : ""})`,
      },
      {
        category: "backup storage" as const,
        region: replicaRegion,
        monthlyUsd: USAGE.backupStoredGbPerBucket * replicaGbMonth,
        detail: `replica of ${USAGE.backupStoredGbPerBucket} GB (assumed) in ${destination ? `${destination.inputs.bucket}` : "the destination bucket"} × ${usd(replicaGbMonth)}/GB-month`,
      },
    ];
  });
}

function logGroup(r: CostResource) {
  const perGb = regional(r).logsIngestPerGb;
  return [{ category: "logs" as const, monthlyUsd: USAGE.controlPlaneLogsGbPerMonth * perGb, detail: `${USAGE.controlPlaneLogsGbPerMonth} GB ingested (assumed) × ${usd(perGb)}/GB` }];
}

function alarm(r: CostResource) {
  const high = Number(r.inputs.period ?? 60) < 60;
  const rate = high ? GLOBAL_PRICES.cloudwatchHighResolutionAlarm : GLOBAL_PRICES.cloudwatchAlarm;
  return [{ category: "alarms" as const, monthlyUsd: rate.usd, detail: `${high ? "high-resolution" : "standard-resolution"} alarm ${usd(rate.usd)}/month` }];
}

export const PRICERS: Readonly<Record<string, Pricer>> = {
  "eks:index:Cluster": controlPlane,
  "aws:eks/cluster:Cluster": controlPlane,
  "aws:eks/nodeGroup:NodeGroup": nodeGroup,
  "aws:ec2/natGateway:NatGateway": natGateway,
  "aws:ec2/eip:Eip": () => [ipv4(1, "Elastic IP")],
  "aws:lb/loadBalancer:LoadBalancer": loadBalancer,
  "aws:globalaccelerator/accelerator:Accelerator": accelerator,
  "aws:kms/key:Key": kmsKey,
  "aws:kms/replicaKey:ReplicaKey": kmsKey,
  "aws:secretsmanager/secret:Secret": secret,
  "aws:route53/healthCheck:HealthCheck": healthCheck,
  "aws:s3/bucket:Bucket": bucket,
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": replication,
  "aws:cloudwatch/logGroup:LogGroup": logGroup,
  "aws:cloudwatch/metricAlarm:MetricAlarm": alarm,
};
