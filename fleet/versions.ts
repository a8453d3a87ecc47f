/**
 * The Kubernetes minor versions EKS offers, with the dates that decide what a cluster costs
 * and whether it may run at all. Dates are UTC days: a version leaves standard support at the
 * start of its end-of-standard day, when extended-support billing begins ($0.60 instead of
 * $0.10 per cluster-hour), and EKS stops creating and running it at the start of its
 * end-of-extended day (EKS User Guide, "Understand the Kubernetes version lifecycle on EKS",
 * release calendar and FAQ).
 *
 * Add a row when EKS releases a minor version; a version missing here is refused as one
 * EKS does not offer.
 */

export interface EksVersion {
  readonly version: string;
  /** The day EKS made the version available. */
  readonly released: string;
  /** The first day of extended support: from then on the cluster bills extended support. */
  readonly endOfStandard: string;
  /** The first day EKS no longer offers the version (it upgrades the control planes left on it). */
  readonly endOfExtended: string;
  /** Where the dates come from. */
  readonly source: string;
}

/** The release calendar of the EKS User Guide (awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc). */
const EKS_CALENDAR = "EKS User Guide, Amazon EKS Kubernetes release calendar (awsdocs/amazon-eks-user-guide kubernetes-versions.adoc)";
/**
 * endoflife.date's Amazon EKS page, which reads the calendar's end-of-standard and
 * end-of-extended columns (endoflife-date/endoflife.date products/amazon-eks.md, release_table
 * of docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html); its release date is EKS's announcement.
 */
const EOL_DATE = "endoflife.date/amazon-eks, mirroring the EKS release calendar (endoflife-date/endoflife.date products/amazon-eks.md)";

export const EKS_VERSIONS: readonly EksVersion[] = [
  { version: "1.28", released: "2023-09-26", endOfStandard: "2024-11-26", endOfExtended: "2025-11-26", source: EKS_CALENDAR },
  { version: "1.29", released: "2024-01-23", endOfStandard: "2025-03-23", endOfExtended: "2026-03-23", source: EKS_CALENDAR },
  { version: "1.30", released: "2024-05-23", endOfStandard: "2025-07-23", endOfExtended: "2026-07-23", source: EKS_CALENDAR },
  { version: "1.31", released: "2024-09-26", endOfStandard: "2025-11-26", endOfExtended: "2026-11-26", source: EKS_CALENDAR },
  { version: "1.32", released: "2025-01-23", endOfStandard: "2026-03-23", endOfExtended: "2027-03-23", source: EKS_CALENDAR },
  { version: "1.33", released: "2025-05-29", endOfStandard: "2026-07-29", endOfExtended: "2027-07-29", source: EKS_CALENDAR },
  { version: "1.34", released: "2025-10-02", endOfStandard: "2026-12-02", endOfExtended: "2027-12-02", source: EKS_CALENDAR },
  { version: "1.35", released: "2026-01-28", endOfStandard: "2027-03-27", endOfExtended: "2028-03-27", source: EOL_DATE },
  { version: "1.36", released: "2026-06-02", endOfStandard: "2027-08-02", endOfExtended: "2028-08-02", source: EOL_DATE },
];

/** Days before the end of standard support from which the version policy warns (EKS announces the end at least 60 days ahead). */
export const STANDARD_SUPPORT_WARNING_DAYS = 60;

/** Where a version stands on a given day. */
export type SupportPhase = "unknown" | "unreleased" | "standard" | "extended" | "ended";

/** `upgradePolicy.supportType` of an EKS cluster: what happens when its version leaves standard support. */
export type SupportType = "STANDARD" | "EXTENDED";

const DAY_MS = 86_400_000;
const startOf = (day: string) => Date.parse(`${day}T00:00:00Z`);

export function eksVersion(version: string): EksVersion | undefined {
  return EKS_VERSIONS.find((v) => v.version === version);
}

export function supportPhase(version: string, now: Date): SupportPhase {
  const row = eksVersion(version);
  if (!row) return "unknown";
  const t = now.getTime();
  if (t < startOf(row.released)) return "unreleased";
  if (t < startOf(row.endOfStandard)) return "standard";
  if (t < startOf(row.endOfExtended)) return "extended";
  return "ended";
}

/** Whole days from `now` until the version leaves standard support (0 on the day itself or after). */
export function daysOfStandardSupportLeft(version: string, now: Date): number {
  const row = eksVersion(version);
  return row ? Math.max(0, Math.ceil((startOf(row.endOfStandard) - now.getTime()) / DAY_MS)) : 0;
}

/** Versions a cluster can be created on or stay on at `now`: released, and not past end of extended support. */
export function offeredVersions(now: Date): string[] {
  return EKS_VERSIONS.filter((v) => ["standard", "extended"].includes(supportPhase(v.version, now))).map((v) => v.version);
}

export function standardVersions(now: Date): string[] {
  return EKS_VERSIONS.filter((v) => supportPhase(v.version, now) === "standard").map((v) => v.version);
}

/** The minor number of `1.35` (35), or undefined when it is not a `1.<minor>` version. */
export function minorOf(version: string): number | undefined {
  const match = /^1\.(\d{1,3})$/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/**
 * Why `fleet.kubernetesVersion` cannot deploy at `now`, or undefined. Versions out of standard
 * support are left to the `eks-version-standard-support` policy: they deploy, at a price.
 */
export function versionProblem(version: string, now: Date): string | undefined {
  const offered = offeredVersions(now);
  const choose = `choose one EKS offers today (${offered.join(", ")})`;
  const row = eksVersion(version);
  switch (supportPhase(version, now)) {
    case "unknown":
      return `'${version}' is not a version EKS offers; ${choose}`;
    case "unreleased":
      return `'${version}' is not released on EKS until ${row!.released}; ${choose}`;
    case "ended":
      return `'${version}' reached the end of extended support on ${row!.endOfExtended} (standard support ended ${row!.endOfStandard}): EKS no longer runs it; upgrade one minor version at a time to one it offers (${offered.join(", ")})`;
    default:
      return undefined;
  }
}

/** The support type a fleet's clusters get: STANDARD unless the stack opts in to extended support. */
export function supportTypeOf(extendedSupport: boolean): SupportType {
  return extendedSupport ? "EXTENDED" : "STANDARD";
}

/**
 * The `upgradePolicy` argument of every `aws.eks.Cluster` of the fleet. Set explicitly:
 * EKS's default is EXTENDED, which bills extended support silently once the version ages.
 */
export function clusterUpgradePolicy(fleet: { readonly supportType: SupportType }): { supportType: SupportType } {
  return { supportType: fleet.supportType };
}

/** The EKS add-on versions every cluster runs, for one Kubernetes minor. */
export interface CoreAddonVersions {
  readonly vpcCni: string;
  readonly kubeProxy: string;
  readonly coreDns: string;
  /**
   * aws-ebs-csi-driver: at least `EBS_CSI_CLUSTER_TAG_SINCE`, the first driver that tags its
   * volumes and snapshots with `ebs.csi.aws.com/cluster-name`, which the driver's role requires
   * on every volume it creates or changes (components/ebs-csi-driver.ts).
   */
  readonly ebsCsiDriver: string;
  /**
   * `eks-pod-identity-agent`, which hands pods their EKS Pod Identity credentials. One agent
   * version serves every minor from 1.31 (aws-quickstart/cdk-eks-blueprints
   * lib/addons/eks-pod-identity-agent/index.ts pins v1.3.10-eksbuild.2 for 1.31–1.35; the 1.36 row
   * carries the same, not yet confirmed by a published table: check it with describe-addon-versions).
   */
  readonly podIdentityAgent: string;
}

/**
 * The first aws-ebs-csi-driver release that sets `ebs.csi.aws.com/cluster-name` when
 * `--k8s-tag-cluster-id` is given (kubernetes-sigs/aws-ebs-csi-driver CHANGELOG.md v1.58.0,
 * #2899; docs/tagging.md). Older drivers create untagged volumes, which the cluster-scoped
 * policy (docs/AmazonEBSCSIDriverEKSClusterScopedPolicy.json) refuses.
 */
export const EBS_CSI_CLUSTER_TAG_SINCE = "1.58.0";

/**
 * Pinned, never looked up at deploy time (a lookup is a call into the cluster's region on
 * every run, and picks a new version without a change in Git). kube-proxy follows the
 * cluster's minor version; CoreDNS, the VPC CNI and the EBS CSI driver are compatible across
 * several. Each row is a set published for that minor and deployed together, so a version
 * upgrade moves the add-ons with it; `aws eks describe-addon-versions --kubernetes-version
 * <minor> --addon-name <name>` lists what EKS offers when bumping one. The EBS CSI versions were
 * checked against describe-addon-versions results recorded for each minor in 2026 (v1.59.0 on
 * 1.31–1.35, v1.63.0 on 1.33 and 1.34 clusters, v1.64.0 the 1.36 default of 2026-08-27).
 */
export const CORE_ADDON_VERSIONS: Readonly<Record<string, CoreAddonVersions>> = {
  "1.32": { vpcCni: "v1.19.2-eksbuild.1", kubeProxy: "v1.32.0-eksbuild.2", coreDns: "v1.11.4-eksbuild.2", ebsCsiDriver: "v1.59.0-eksbuild.1", podIdentityAgent: "v1.3.10-eksbuild.2" },
  "1.33": { vpcCni: "v1.20.0-eksbuild.1", kubeProxy: "v1.33.0-eksbuild.2", coreDns: "v1.12.2-eksbuild.4", ebsCsiDriver: "v1.63.0-eksbuild.1", podIdentityAgent: "v1.3.10-eksbuild.2" },
  "1.34": { vpcCni: "v1.20.4-eksbuild.2", kubeProxy: "v1.34.0-eksbuild.2", coreDns: "v1.12.3-eksbuild.1", ebsCsiDriver: "v1.63.0-eksbuild.1", podIdentityAgent: "v1.3.10-eksbuild.2" },
  "1.35": { vpcCni: "v1.21.1-eksbuild.3", kubeProxy: "v1.35.0-eksbuild.2", coreDns: "v1.13.2-eksbuild.1", ebsCsiDriver: "v1.64.0-eksbuild.1", podIdentityAgent: "v1.3.10-eksbuild.2" },
  "1.36": { vpcCni: "v1.22.4-eksbuild.3", kubeProxy: "v1.36.0-eksbuild.21", coreDns: "v1.14.3-eksbuild.16", ebsCsiDriver: "v1.64.0-eksbuild.1", podIdentityAgent: "v1.3.10-eksbuild.2" },
};

/** Why the fleet cannot run `version`'s add-ons, or undefined: a version needs a row above. */
export function addonVersionsProblem(version: string): string | undefined {
  return CORE_ADDON_VERSIONS[version] ? undefined : `no add-on versions are pinned for ${version}: add its row to CORE_ADDON_VERSIONS in fleet/versions.ts (aws eks describe-addon-versions --kubernetes-version ${version})`;
}

/**
 * The Kubernetes minors the pinned Karpenter supports: 1.14.x runs on 1.26 to 1.36
 * (aws/karpenter-provider-aws hack/docs/compatibilitymatrix_gen/compatibility.yaml, the
 * source of karpenter.sh's "Compatibility" matrix). `karpenter` is the minor the chart is
 * pinned at (components/chart-versions.ts): a test ties the two, so a chart bump re-reads the matrix.
 */
export const KARPENTER_KUBERNETES = { karpenter: "1.14", min: "1.26", max: "1.36" } as const;

/** Why the fleet's pinned controllers cannot run on `version`, or undefined. */
export function controllerVersionsProblem(version: string): string | undefined {
  const minor = minorOf(version);
  const [min, max] = [minorOf(KARPENTER_KUBERNETES.min)!, minorOf(KARPENTER_KUBERNETES.max)!];
  if (minor === undefined || (minor >= min && minor <= max)) return undefined;
  return `Karpenter ${KARPENTER_KUBERNETES.karpenter}, the version the fleet pins, supports Kubernetes ${KARPENTER_KUBERNETES.min} to ${KARPENTER_KUBERNETES.max} only: bump it in components/chart-versions.ts (and KARPENTER_KUBERNETES in fleet/versions.ts, from Karpenter's compatibility matrix) before moving to ${version}`;
}
