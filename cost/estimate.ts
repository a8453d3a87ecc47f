import { USAGE } from "./assumptions";
import { GLOBAL_PRICES, HOURS_PER_MONTH } from "./prices";
import { CostCategory, CostLine, CostResource, PRICERS, PricingContext, RECORD } from "./pricers";

export { CostCategory, CostLine, CostResource } from "./pricers";

/** `plan.json` `cost`: what the plan's resources cost a month, on-demand, under stated assumptions. */
export interface CostEstimate {
  readonly monthlyUsd: number;
  /** Per cluster, in the plan's cluster order. */
  readonly clusters: Readonly<Record<string, number>>;
  /** What belongs to no cluster: DNS, the accelerator, replicated secrets and their keys. */
  readonly fleetWide: number;
  readonly lines: readonly CostLine[];
  readonly assumptions: readonly string[];
}

/**
 * AWS resource types with no charge of their own (their traffic, where any, is priced on the
 * gateway or load balancer it crosses). A type neither priced nor listed here is named in
 * the assumptions as not priced, and tests/cost fails on it for the fleet's own plans.
 */
export const FREE_TYPES: Readonly<Record<string, string>> = {
  "aws:ec2/vpc:Vpc": "VPC",
  "aws:ec2/subnet:Subnet": "VPC",
  "aws:ec2/routeTable:RouteTable": "VPC",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "VPC",
  "aws:ec2/internetGateway:InternetGateway": "VPC (traffic priced as data transfer, not estimated)",
  "aws:ec2/securityGroup:SecurityGroup": "VPC",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "VPC",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "VPC",
  "aws:ec2/launchTemplate:LaunchTemplate": "its volumes are priced with the node group",
  "aws:iam/role:Role": "IAM",
  "aws:iam/rolePolicy:RolePolicy": "IAM",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM",
  "aws:iam/policy:Policy": "IAM",
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "IAM",
  "aws:eks/accessEntry:AccessEntry": "EKS access entries",
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": "EKS access entries",
  "aws:eks/addon:Addon": "EKS add-ons (their pods run on the priced nodes)",
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": "EKS Pod Identity",
  "aws:kms/alias:Alias": "KMS aliases",
  "aws:acm/certificate:Certificate": "public ACM certificates",
  "aws:acm/certificateValidation:CertificateValidation": "ACM",
  "aws:route53/record:Record": "records (queries are priced per name clients resolve)",
  "aws:lb/listener:Listener": "priced with the load balancer",
  "aws:lb/targetGroup:TargetGroup": "priced with the load balancer",
  "aws:globalaccelerator/listener:Listener": "priced with the accelerator",
  "aws:globalaccelerator/endpointGroup:EndpointGroup": "priced with the accelerator",
  "aws:s3/bucketVersioning:BucketVersioning": "S3 configuration",
  "aws:s3/bucketPolicy:BucketPolicy": "S3 configuration",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "S3 configuration",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "S3 configuration (bucket keys keep KMS requests low)",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "S3 configuration",
  "aws:cloudwatch/eventRule:EventRule": "EventBridge rules on AWS service events",
  "aws:cloudwatch/eventTarget:EventTarget": "EventBridge",
  "aws:sqs/queue:Queue": "the interruption queue stays within SQS's free million requests a month",
  "aws:sqs/queuePolicy:QueuePolicy": "SQS",
};

/** What the estimate leaves out, whatever the plan holds. */
const NOT_ESTIMATED = "Not estimated: data transfer to the internet and across zones, requests (S3, KMS, Secrets Manager, CloudWatch), log storage, nodes Karpenter adds beyond the node groups' desired size, application volumes, free tiers, taxes and discounts.";

const CATEGORY_ORDER: readonly CostCategory[] = [
  "EKS control plane", "nodes", "node volumes", "NAT gateways", "public IPv4", "load balancers", "Global Accelerator",
  "KMS keys", "health checks", "DNS queries", "backup storage", "backup replication", "secrets", "logs", "alarms",
];

const cents = (n: number) => Math.round(n * 100) / 100;

/**
 * Prices the resources a plan creates, one line per priced item. Pure: what it reads is the
 * resources, the price table (cost/prices.ts), the usage assumptions (cost/assumptions.ts)
 * and `asOf`, the day that decides standard or extended EKS support.
 */
export function estimateCost(resources: readonly CostResource[], clusterNames: readonly string[], asOf: Date = new Date()): CostEstimate {
  const byType = groupBy(resources, (r) => r.type);
  const recordsByName = groupBy(byType.get(RECORD) ?? [], (r) => String(r.inputs.name ?? ""));
  const unpriced: string[] = [];
  const ctx: PricingContext = {
    asOf,
    byId: new Map(resources.filter((r) => r.id !== undefined).map((r) => [r.id!, r])),
    byUrn: new Map(resources.map((r) => [r.urn, r])),
    recordsByName,
    ofType: (type) => byType.get(type) ?? [],
    unpriced: (what) => unpriced.push(what),
  };

  const lines: CostLine[] = [];
  const notPriced = new Map<string, number>();
  for (const r of resources) {
    const pricer = PRICERS[r.type];
    if (pricer) {
      for (const line of pricer(r, ctx)) lines.push({ cluster: r.cluster, resource: r.name, ...line, region: line.region === undefined ? r.region : line.region, monthlyUsd: cents(line.monthlyUsd) });
    } else if (r.type.startsWith("aws:") && !(r.type in FREE_TYPES)) {
      notPriced.set(r.type, (notPriced.get(r.type) ?? 0) + 1);
    }
  }
  lines.push(...queryLines(recordsByName));
  lines.sort(lineOrder);

  const clusters: Record<string, number> = Object.fromEntries(clusterNames.map((name) => [name, 0]));
  let fleetWide = 0;
  for (const line of lines) {
    if (line.cluster !== null && line.cluster in clusters) clusters[line.cluster] = cents(clusters[line.cluster] + line.monthlyUsd);
    else fleetWide = cents(fleetWide + line.monthlyUsd);
  }
  const monthlyUsd = cents(Object.values(clusters).reduce((a, b) => a + b, 0) + fleetWide);
  return { monthlyUsd, clusters, fleetWide, lines, assumptions: assumptions(notPriced, unpriced) };
}

/**
 * Queries to each name clients resolve: a record name no other record of the plan points
 * at (ACM validation names aside). A name whose every record is an alias of an AWS resource
 * (a load balancer, an accelerator) answers free; one that aliases records of its own zone
 * is billed as the query it is. Latency and geolocation records have their own rates.
 */
function queryLines(recordsByName: ReadonlyMap<string, readonly CostResource[]>): CostLine[] {
  const aliasesOf = (r: CostResource) => ((r.inputs.aliases as { name?: string }[] | undefined) ?? []).map((a) => a?.name ?? "");
  const targets = new Set<string>();
  for (const records of recordsByName.values()) {
    for (const r of records) {
      for (const alias of aliasesOf(r)) targets.add(alias);
      if (r.inputs.type === "CNAME") for (const target of (r.inputs.records as string[] | undefined) ?? []) targets.add(target);
    }
  }
  const lines: CostLine[] = [];
  for (const [name, records] of recordsByName) {
    if (targets.has(name) || name.startsWith("_")) continue;
    // Alias queries to AWS resources cost nothing (PAGES.route53).
    if (records.every((r) => aliasesOf(r).length > 0 && aliasesOf(r).every((a) => !recordsByName.has(a)))) continue;
    const policy = (r: CostResource, key: string) => Array.isArray(r.inputs[key]) && (r.inputs[key] as unknown[]).length > 0;
    const latency = records.some((r) => policy(r, "latencyRoutingPolicies"));
    const geo = records.some((r) => policy(r, "geolocationRoutingPolicies"));
    const rate = geo ? GLOBAL_PRICES.geoQueries : latency ? GLOBAL_PRICES.latencyQueries : GLOBAL_PRICES.standardQueries;
    lines.push({
      cluster: null,
      region: null,
      category: "DNS queries",
      resource: name,
      monthlyUsd: cents(USAGE.dnsMillionQueriesMonth * rate.usd),
      detail: `${USAGE.dnsMillionQueriesMonth} million queries (assumed) × $${rate.usd}/million (${geo ? "geolocation" : latency ? "latency-based" : "standard"})`,
    });
  }
  return lines;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function lineOrder(a: CostLine, b: CostLine): number {
  if (a.cluster !== b.cluster) return a.cluster === null ? 1 : b.cluster === null ? -1 : compare(a.cluster, b.cluster);
  const byCategory = CATEGORY_ORDER.indexOf(a.category) - CATEGORY_ORDER.indexOf(b.category);
  return byCategory || compare(a.resource, b.resource) || compare(a.detail, b.detail);
}

function assumptions(notPriced: ReadonlyMap<string, number>, unpriced: readonly string[]): string[] {
  return [
    `On-demand list prices in USD of cost/prices.ts, ${HOURS_PER_MONTH} hours a month; EKS support (standard or extended) as on the day of the plan.`,
    "Nodes: each node group at its desired size, priced as its first instance type.",
    `NAT gateways: ${USAGE.natGbPerGatewayMonth} GB processed per gateway a month.`,
    `Network Load Balancers: ${USAGE.nlcuPerLoadBalancerHour} NLCU per hour on average.`,
    `Global Accelerator: ${USAGE.acceleratorGbMonth} GB a month in the dominant direction, clients on the endpoints' continent.`,
    `Route 53: ${USAGE.dnsMillionQueriesMonth} million queries a month to each name clients resolve; the hosted zone is not created by the stack and not priced.`,
    `Backups: ${USAGE.backupStoredGbPerBucket} GB kept per bucket and the same again in its partner's region; ${USAGE.backupReplicatedGbPerMonth} GB replicated per rule a month.`,
    `Control-plane logs: ${USAGE.controlPlaneLogsGbPerMonth} GB ingested per log group a month.`,
    NOT_ESTIMATED,
    ...[...notPriced].map(([type, count]) => `Not priced (no price for this resource type yet): ${type} ×${count}.`),
    ...unpriced.map((what) => `Not priced: ${what}.`),
  ];
}
