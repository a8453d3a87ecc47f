/**
 * Availability zones, by zone ID. Zone names (`us-east-1a`) map to physical zones
 * differently in older accounts; zone IDs (`use1-az1`) name the same zone in every account,
 * so the fleet chooses, excludes and records zones by ID only, from the table below: no
 * `ec2:DescribeAvailabilityZones` call at deploy time, so a deploy never needs a region it
 * does not change (docs/RUNBOOK.md, "Deploying the surviving side while a region is down").
 */

/**
 * The zone IDs of every region the fleet supports, in ID order. Source: AWS Regions and
 * Availability Zones guide, "AWS Availability Zones" (the AZ ID tables per geography).
 */
const REGION_ZONE_IDS: Readonly<Record<string, readonly string[]>> = {
  "af-south-1": ["afs1-az1", "afs1-az2", "afs1-az3"],
  "ap-east-1": ["ape1-az1", "ape1-az2", "ape1-az3"],
  "ap-northeast-1": ["apne1-az1", "apne1-az2", "apne1-az3", "apne1-az4"],
  "ap-northeast-2": ["apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"],
  "ap-northeast-3": ["apne3-az1", "apne3-az2", "apne3-az3"],
  "ap-south-1": ["aps1-az1", "aps1-az2", "aps1-az3"],
  "ap-south-2": ["aps2-az1", "aps2-az2", "aps2-az3"],
  "ap-southeast-1": ["apse1-az1", "apse1-az2", "apse1-az3"],
  "ap-southeast-2": ["apse2-az1", "apse2-az2", "apse2-az3"],
  "ap-southeast-3": ["apse3-az1", "apse3-az2", "apse3-az3"],
  "ap-southeast-4": ["apse4-az1", "apse4-az2", "apse4-az3"],
  "ap-southeast-5": ["apse5-az1", "apse5-az2", "apse5-az3"],
  "ap-southeast-7": ["apse7-az1", "apse7-az2", "apse7-az3"],
  "ca-central-1": ["cac1-az1", "cac1-az2", "cac1-az4"],
  "ca-west-1": ["caw1-az1", "caw1-az2", "caw1-az3"],
  "eu-central-1": ["euc1-az1", "euc1-az2", "euc1-az3"],
  "eu-central-2": ["euc2-az1", "euc2-az2", "euc2-az3"],
  "eu-north-1": ["eun1-az1", "eun1-az2", "eun1-az3"],
  "eu-south-1": ["eus1-az1", "eus1-az2", "eus1-az3"],
  "eu-south-2": ["eus2-az1", "eus2-az2", "eus2-az3"],
  "eu-west-1": ["euw1-az1", "euw1-az2", "euw1-az3"],
  "eu-west-2": ["euw2-az1", "euw2-az2", "euw2-az3", "euw2-az4"],
  "eu-west-3": ["euw3-az1", "euw3-az2", "euw3-az3"],
  "il-central-1": ["ilc1-az1", "ilc1-az2", "ilc1-az3"],
  "me-central-1": ["mec1-az1", "mec1-az2", "mec1-az3"],
  "me-south-1": ["mes1-az1", "mes1-az2", "mes1-az3"],
  "mx-central-1": ["mxc1-az1", "mxc1-az2", "mxc1-az3"],
  "sa-east-1": ["sae1-az1", "sae1-az2", "sae1-az3"],
  "us-east-1": ["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"],
  "us-east-2": ["use2-az1", "use2-az2", "use2-az3"],
  "us-west-1": ["usw1-az1", "usw1-az2", "usw1-az3"],
  "us-west-2": ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"],
};

/** Every region the fleet supports: those of the table above. */
export const SUPPORTED_REGIONS: readonly string[] = Object.keys(REGION_ZONE_IDS);

/**
 * Zone IDs where EKS refuses cluster subnets (`UnsupportedAvailabilityZoneException`).
 * Source: Amazon EKS User Guide, "VPC and subnet requirements" › "Subnet requirements for
 * clusters", the disallowed Availability Zone IDs (awsdocs/amazon-eks-user-guide,
 * latest/ug/networking/network-reqs.adoc).
 */
export const EKS_UNSUPPORTED_ZONE_IDS: readonly string[] = ["use1-az3", "usw1-az2", "cac1-az3"];

/**
 * Constrained zones (AWS Regions and Availability Zones guide, "Constrained Availability
 * Zones"): left out of the zone list of newer accounts, and EKS answers cluster creation there
 * with "insufficient capacity". apne1-az3 is the one among the supported regions' defaults.
 */
export const CONSTRAINED_ZONE_IDS: readonly string[] = ["apne1-az3"];

/** Zones a cluster spreads over where the region allows; EKS needs at least two. */
export const MAX_ZONES = 3;
export const MIN_ZONES = 2;

/** The zone IDs a cluster in `region` may use by default: supported by EKS and unconstrained. */
export function usableZoneIds(region: string): readonly string[] {
  return (REGION_ZONE_IDS[region] ?? []).filter((id) => !EKS_UNSUPPORTED_ZONE_IDS.includes(id) && !CONSTRAINED_ZONE_IDS.includes(id));
}

/**
 * The zones a cluster in `region` uses unless its `zoneIds` say otherwise: the first three
 * usable ones in ID order (two in us-west-1, which offers two), the same in every account.
 */
export function defaultZoneIds(region: string): string[] {
  return usableZoneIds(region).slice(0, MAX_ZONES);
}

/** How many zones a cluster in `region` uses by default: three, or what the region offers. */
export function zoneCountOf(region: string): number {
  return defaultZoneIds(region).length;
}

/** `use1` for `us-east-1`: what every zone ID of the region starts with, from the table. */
export function zoneIdPrefixOf(region: string): string | undefined {
  return REGION_ZONE_IDS[region]?.[0].replace(/-az\d+$/, "");
}

/**
 * Why a cluster's `zoneIds` override cannot be used, or undefined when it can: two or three
 * distinct Availability Zone IDs of the cluster's own region (no Local or Wavelength Zone,
 * whose IDs carry a location: `usw2-lax1-az1`), none that EKS refuses.
 */
export function zoneIdsProblem(zoneIds: readonly string[], region: string): string | undefined {
  if (zoneIds.length < MIN_ZONES || zoneIds.length > MAX_ZONES) {
    return `lists ${zoneIds.length} zone ID(s); a cluster uses ${MIN_ZONES} or ${MAX_ZONES} Availability Zones`;
  }
  const prefix = zoneIdPrefixOf(region);
  if (prefix === undefined) return undefined; // the region itself is reported at fleet.clusters[i].region
  const foreign = zoneIds.filter((id) => !new RegExp(`^${prefix}-az\\d+$`).test(id));
  if (foreign.length > 0) return `${foreign.join(", ")} ${foreign.length === 1 ? "is not an Availability Zone ID" : "are not Availability Zone IDs"} of ${region} (${prefix}-az<n>)`;
  const refused = zoneIds.filter((id) => EKS_UNSUPPORTED_ZONE_IDS.includes(id));
  if (refused.length > 0) return `EKS refuses cluster subnets in ${refused.join(", ")} (EKS User Guide, "Subnet requirements for clusters")`;
  const twice = zoneIds.find((id, i) => zoneIds.indexOf(id) !== i);
  if (twice) return `lists ${twice} twice; each subnet pair needs its own zone`;
  return undefined;
}
