import { SUPPORTED_REGIONS } from "../fleet/regions";

/**
 * Every unit price the cost estimate uses, in one place: US dollars, on-demand list prices,
 * no free tier, no discounts (Savings Plans, Reserved Instances, EDP), taxes excluded.
 *
 * Each figure names the AWS pricing page that publishes it and the day it was checked. Those
 * pages render their regional tables from a price feed rather than page text, so figures
 * were checked against the pages' own text and worked examples where they quote them, and
 * against public, dated transcriptions of the pages otherwise. A region without figures of
 * its own is priced as a stated neighbour times a stated multiplier (`DERIVED_REGIONS`),
 * and the plan says so. Change the date with the figure.
 */

export interface PricingPage {
  readonly title: string;
  readonly url: string;
}

export interface UnitPrice {
  readonly usd: number;
  /** What one unit is, e.g. "cluster-hour", "GB-month". */
  readonly per: string;
  readonly page: PricingPage;
  /** ISO date the figure was last checked. */
  readonly checked: string;
}

export const PAGES = {
  eks: { title: "Amazon EKS pricing", url: "https://aws.amazon.com/eks/pricing/" },
  eksExtended: { title: "Amazon EKS extended support for Kubernetes versions pricing (AWS Containers blog)", url: "https://aws.amazon.com/blogs/containers/amazon-eks-extended-support-for-kubernetes-versions-pricing/" },
  ec2: { title: "Amazon EC2 On-Demand Pricing", url: "https://aws.amazon.com/ec2/pricing/on-demand/" },
  ec2SizeFlexibility: { title: "Amazon EC2 User Guide, Reserved Instances: instance size flexibility (normalization factors)", url: "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/reserved-instances-scope.html" },
  ebs: { title: "Amazon EBS pricing", url: "https://aws.amazon.com/ebs/pricing/" },
  vpc: { title: "Amazon VPC pricing (NAT gateway, public IPv4 addresses)", url: "https://aws.amazon.com/vpc/pricing/" },
  elb: { title: "Elastic Load Balancing pricing", url: "https://aws.amazon.com/elasticloadbalancing/pricing/" },
  globalAccelerator: { title: "AWS Global Accelerator pricing", url: "https://aws.amazon.com/global-accelerator/pricing/" },
  kms: { title: "AWS Key Management Service pricing", url: "https://aws.amazon.com/kms/pricing/" },
  route53: { title: "Amazon Route 53 pricing", url: "https://aws.amazon.com/route53/pricing/" },
  s3: { title: "Amazon S3 pricing (storage, data transfer, replication)", url: "https://aws.amazon.com/s3/pricing/" },
  secretsManager: { title: "AWS Secrets Manager pricing", url: "https://aws.amazon.com/secrets-manager/pricing/" },
  cloudwatch: { title: "Amazon CloudWatch pricing (Logs)", url: "https://aws.amazon.com/cloudwatch/pricing/" },
} as const satisfies Record<string, PricingPage>;

const CHECKED = "2026-12-03";
const price = (usd: number, per: string, page: PricingPage, checked = CHECKED): UnitPrice => ({ usd, per, page, checked });

/** The calculator's month: 730 hours. */
export const HOURS_PER_MONTH = 730;

/** Prices that are the same in every commercial region. */
export const GLOBAL_PRICES = {
  eksStandardSupport: price(0.1, "cluster-hour", PAGES.eks),
  /** The total per cluster-hour while the version is in extended support, not a surcharge. */
  eksExtendedSupport: price(0.6, "cluster-hour", PAGES.eksExtended),
  /** A customer managed key; each multi-Region replica key is billed as a key of its own. */
  kmsKey: price(1, "key-month", PAGES.kms),
  secret: price(0.4, "secret-month (each replica too)", PAGES.secretsManager),
  publicIpv4: price(0.005, "in-use public IPv4 address-hour", PAGES.vpc),
  healthCheckAwsEndpoint: price(0.5, "health check-month (AWS endpoint)", PAGES.route53),
  healthCheckOtherEndpoint: price(0.75, "health check-month (non-AWS endpoint)", PAGES.route53),
  /** HTTPS, string matching, fast interval (10 s), latency measurement: each one. */
  healthCheckOptionAwsEndpoint: price(1, "optional feature-month (AWS endpoint)", PAGES.route53),
  healthCheckOptionOtherEndpoint: price(2, "optional feature-month (non-AWS endpoint)", PAGES.route53),
  standardQueries: price(0.4, "million queries (first billion a month)", PAGES.route53),
  latencyQueries: price(0.6, "million queries (first billion a month)", PAGES.route53),
  geoQueries: price(0.7, "million queries (first billion a month)", PAGES.route53),
  acceleratorFixedFee: price(0.025, "accelerator-hour", PAGES.globalAccelerator),
  /** Replication Time Control, on top of the transfer and the replica's storage. */
  s3ReplicationTimeControl: price(0.015, "GB replicated", PAGES.s3),
  /** A metric alarm of standard resolution (period ≥ 60 s); a high-resolution one costs three times as much. */
  cloudwatchAlarm: price(0.1, "standard-resolution alarm metric-month", PAGES.cloudwatch),
  cloudwatchHighResolutionAlarm: price(0.3, "high-resolution alarm metric-month", PAGES.cloudwatch),
  /** Application Load Balancers are not created by the fleet; priced in case one is. */
  albHour: price(0.0225, "load balancer-hour (us-east-1 rate, every region)", PAGES.elb),
  albLcuHour: price(0.008, "LCU-hour (us-east-1 rate, every region)", PAGES.elb),
} as const;

/**
 * Global Accelerator's data-transfer premium per GB in the dominant direction, by the
 * endpoint's region group, for clients on the same continent. The page quotes US & Canada
 * → North America $0.015, Asia Pacific → Asia Pacific $0.010 and South Africa → Africa
 * $0.010; Europe and the rest are assumed at the North American rate.
 */
export function acceleratorPremiumPerGb(region: string): UnitPrice {
  if (/^(ap|af)-/.test(region)) return price(0.01, "GB (dominant direction, same continent)", PAGES.globalAccelerator);
  return price(0.015, "GB (dominant direction, same continent)", PAGES.globalAccelerator);
}

/** The prices that differ by region, per unit as named. */
export interface RegionalPrices {
  /** m6i.large, Linux, on-demand, per hour: the anchor every other instance type scales from. */
  readonly m6iLargeHour: number;
  readonly natGatewayHour: number;
  readonly natGatewayPerGb: number;
  readonly nlbHour: number;
  readonly nlcuHour: number;
  /** S3 Standard, first 50 TB, per GB-month. */
  readonly s3StandardGbMonth: number;
  readonly ebsGp3GbMonth: number;
  /** CloudWatch Logs standard ingestion, per GB. */
  readonly logsIngestPerGb: number;
  /** Data transfer out of the region to another AWS region, per GB (what S3 replication pays). */
  readonly interRegionPerGb: number;
}

/** The page each regional figure comes from. */
export const REGIONAL_PAGES: Readonly<Record<keyof RegionalPrices, PricingPage>> = {
  m6iLargeHour: PAGES.ec2,
  natGatewayHour: PAGES.vpc,
  natGatewayPerGb: PAGES.vpc,
  nlbHour: PAGES.elb,
  nlcuHour: PAGES.elb,
  s3StandardGbMonth: PAGES.s3,
  ebsGp3GbMonth: PAGES.ebs,
  logsIngestPerGb: PAGES.cloudwatch,
  interRegionPerGb: PAGES.s3,
};

/** Regions with their own figures, each checked on `checked`. */
export const READ_REGIONS: Readonly<Record<string, RegionalPrices & { readonly checked: string }>> = {
  "us-east-1": { m6iLargeHour: 0.096, natGatewayHour: 0.045, natGatewayPerGb: 0.045, nlbHour: 0.0225, nlcuHour: 0.006, s3StandardGbMonth: 0.023, ebsGp3GbMonth: 0.08, logsIngestPerGb: 0.5, interRegionPerGb: 0.02, checked: CHECKED },
  "us-east-2": { m6iLargeHour: 0.096, natGatewayHour: 0.045, natGatewayPerGb: 0.045, nlbHour: 0.0225, nlcuHour: 0.006, s3StandardGbMonth: 0.023, ebsGp3GbMonth: 0.08, logsIngestPerGb: 0.5, interRegionPerGb: 0.02, checked: CHECKED },
  "us-west-1": { m6iLargeHour: 0.112, natGatewayHour: 0.048, natGatewayPerGb: 0.048, nlbHour: 0.0252, nlcuHour: 0.006, s3StandardGbMonth: 0.026, ebsGp3GbMonth: 0.096, logsIngestPerGb: 0.5, interRegionPerGb: 0.02, checked: CHECKED },
  "us-west-2": { m6iLargeHour: 0.096, natGatewayHour: 0.045, natGatewayPerGb: 0.045, nlbHour: 0.0225, nlcuHour: 0.006, s3StandardGbMonth: 0.023, ebsGp3GbMonth: 0.08, logsIngestPerGb: 0.5, interRegionPerGb: 0.02, checked: CHECKED },
  "eu-west-1": { m6iLargeHour: 0.107, natGatewayHour: 0.048, natGatewayPerGb: 0.048, nlbHour: 0.0252, nlcuHour: 0.006, s3StandardGbMonth: 0.023, ebsGp3GbMonth: 0.088, logsIngestPerGb: 0.57, interRegionPerGb: 0.02, checked: CHECKED },
  "eu-central-1": { m6iLargeHour: 0.115, natGatewayHour: 0.052, natGatewayPerGb: 0.052, nlbHour: 0.027, nlcuHour: 0.006, s3StandardGbMonth: 0.0245, ebsGp3GbMonth: 0.0952, logsIngestPerGb: 0.63, interRegionPerGb: 0.02, checked: CHECKED },
  "ap-southeast-1": { m6iLargeHour: 0.12, natGatewayHour: 0.059, natGatewayPerGb: 0.059, nlbHour: 0.0252, nlcuHour: 0.006, s3StandardGbMonth: 0.025, ebsGp3GbMonth: 0.096, logsIngestPerGb: 0.7, interRegionPerGb: 0.09, checked: CHECKED },
  "ap-northeast-1": { m6iLargeHour: 0.124, natGatewayHour: 0.062, natGatewayPerGb: 0.062, nlbHour: 0.0243, nlcuHour: 0.006, s3StandardGbMonth: 0.025, ebsGp3GbMonth: 0.096, logsIngestPerGb: 0.76, interRegionPerGb: 0.09, checked: CHECKED },
};

/**
 * Regions without figures of their own: priced as a read region of the same area times a
 * stated multiplier, applied to every regional price. Estimates, said so in the plan.
 */
export const DERIVED_REGIONS: Readonly<Record<string, { readonly like: string; readonly multiplier: number }>> = {
  "ca-central-1": { like: "us-east-1", multiplier: 1.11 },
  "ca-west-1": { like: "us-east-1", multiplier: 1.11 },
  "mx-central-1": { like: "us-east-1", multiplier: 1.1 },
  "sa-east-1": { like: "ap-southeast-1", multiplier: 1.28 },
  "eu-west-2": { like: "eu-west-1", multiplier: 1.04 },
  "eu-west-3": { like: "eu-west-1", multiplier: 1.05 },
  "eu-north-1": { like: "eu-west-1", multiplier: 0.95 },
  "eu-south-1": { like: "eu-west-1", multiplier: 1.05 },
  "eu-south-2": { like: "eu-west-1", multiplier: 1 },
  "eu-central-2": { like: "eu-central-1", multiplier: 1.1 },
  "il-central-1": { like: "eu-central-1", multiplier: 1.05 },
  "me-south-1": { like: "eu-central-1", multiplier: 1.02 },
  "me-central-1": { like: "eu-central-1", multiplier: 1.02 },
  "af-south-1": { like: "eu-central-1", multiplier: 1.1 },
  "ap-south-1": { like: "ap-southeast-1", multiplier: 0.85 },
  "ap-south-2": { like: "ap-southeast-1", multiplier: 0.85 },
  "ap-southeast-2": { like: "ap-southeast-1", multiplier: 1 },
  "ap-southeast-3": { like: "ap-southeast-1", multiplier: 1 },
  "ap-southeast-4": { like: "ap-southeast-1", multiplier: 1 },
  "ap-southeast-5": { like: "ap-southeast-1", multiplier: 0.95 },
  "ap-southeast-7": { like: "ap-southeast-1", multiplier: 0.95 },
  "ap-east-1": { like: "ap-southeast-1", multiplier: 1.1 },
  "ap-northeast-2": { like: "ap-northeast-1", multiplier: 0.95 },
  "ap-northeast-3": { like: "ap-northeast-1", multiplier: 1 },
};

type Priced = { prices: RegionalPrices; checked: string; derivedFrom?: { like: string; multiplier: number } };
const priced = new Map<string, Priced>();

/** A region's prices and, when they are derived, how. Every region of fleet/regions.ts has an answer. */
export function regionalPrices(region: string): Priced {
  let found = priced.get(region);
  if (!found) priced.set(region, (found = pricesOf(region)));
  return found;
}

function pricesOf(region: string): Priced {
  if (region in READ_REGIONS) {
    const { checked, ...prices } = READ_REGIONS[region];
    return { prices, checked };
  }
  const derived = DERIVED_REGIONS[region];
  if (!derived) throw new Error(`no prices for region '${region}' (cost/prices.ts covers ${SUPPORTED_REGIONS.length} regions)`);
  const base = READ_REGIONS[derived.like];
  const prices = Object.fromEntries(
    (Object.keys(REGIONAL_PAGES) as (keyof RegionalPrices)[]).map((key) => [key, base[key] * derived.multiplier]),
  ) as unknown as RegionalPrices;
  return { prices, checked: base.checked, derivedFrom: derived };
}

/**
 * On-demand Linux price of the `large` size in us-east-1, per instance family. Within a
 * family the price follows the size's normalization factor (medium 2, large 4, xlarge 8,
 * 2xlarge 16 …; PAGES.ec2SizeFlexibility), and across regions it follows the m6i.large anchor.
 */
export const LARGE_HOURLY_US_EAST_1: Readonly<Record<string, number>> = {
  t3: 0.0832, t3a: 0.0752, t4g: 0.0672,
  m5: 0.096, m5a: 0.086, m6i: 0.096, m6a: 0.0864, m6g: 0.077, m7i: 0.1008, m7a: 0.11592, m7g: 0.0816,
  c5: 0.085, c5a: 0.077, c6i: 0.085, c6a: 0.0765, c6g: 0.068, c7i: 0.08925, c7a: 0.10264, c7g: 0.0725,
  r5: 0.126, r5a: 0.113, r6i: 0.126, r6a: 0.1134, r6g: 0.1008, r7i: 0.1323, r7a: 0.15215, r7g: 0.1071,
};
export const EC2_CHECKED = CHECKED;
