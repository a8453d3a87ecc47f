/**
 * Availability zones, chosen by zone ID. Zone names (`us-east-1a`) map to physical zones
 * differently in every account; zone IDs (`use1-az1`) name the same zone everywhere, so
 * exclusions and choices are made on IDs only.
 */

/**
 * Zone IDs where EKS refuses cluster subnets (`UnsupportedAvailabilityZoneException`) and
 * that lack capacity for current instance families. Source: Amazon EKS User Guide, "VPC and
 * subnet requirements" › "Subnet requirements for clusters"
 * (awsdocs/amazon-eks-user-guide, latest/ug/networking/network-reqs.adoc).
 */
export const EKS_UNSUPPORTED_ZONE_IDS: readonly string[] = ["use1-az3", "usw1-az2", "cac1-az3"];

/** Zones a cluster spreads over where the region allows; EKS needs at least two. */
export const MAX_ZONES = 3;
export const MIN_ZONES = 2;

/**
 * Regions that give every account fewer than three usable zones. us-west-1 offers
 * usw1-az1 and usw1-az3 (older accounts also see usw1-az2, which EKS refuses).
 */
const USABLE_ZONE_COUNT: Readonly<Record<string, number>> = { "us-west-1": 2 };

/** How many zones a cluster in `region` uses: three, or what the region offers. */
export function zoneCountOf(region: string): number {
  return Math.min(MAX_ZONES, USABLE_ZONE_COUNT[region] ?? MAX_ZONES);
}

/**
 * The zone IDs a cluster uses, from what `ec2:DescribeAvailabilityZones` returned for the
 * account: supported IDs only, in ID order (so every account picks the same physical
 * zones), the first `count`. Returns a problem when the account offers too few.
 */
export function chooseZoneIds(offered: readonly string[], count: number, region: string): string[] | string {
  const usable = [...new Set(offered)].filter((id) => !EKS_UNSUPPORTED_ZONE_IDS.includes(id)).sort(byZoneId);
  if (usable.length >= count && count >= MIN_ZONES) return usable.slice(0, count);
  const excluded = offered.filter((id) => EKS_UNSUPPORTED_ZONE_IDS.includes(id));
  return `${region} offers ${usable.length} availability zone(s) EKS supports to this account (${usable.join(", ") || "none"}${excluded.length ? `; excluded ${excluded.join(", ")}` : ""}); this cluster needs ${Math.max(count, MIN_ZONES)}`;
}

/**
 * Zone IDs of a region differ in their trailing number: `use1-az2` before `use1-az10`. Plain
 * string and number comparison (an `Intl` collator costs tens of milliseconds to set up).
 */
function byZoneId(a: string, b: string): number {
  const [, prefixA, numberA] = /^(.*?)(\d*)$/.exec(a)!;
  const [, prefixB, numberB] = /^(.*?)(\d*)$/.exec(b)!;
  if (prefixA !== prefixB) return prefixA < prefixB ? -1 : 1;
  return Number(numberA || -1) - Number(numberB || -1);
}
