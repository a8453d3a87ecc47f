/**
 * Kubernetes minor versions EKS offers standard support for. Extended-support versions
 * are refused on purpose: they cost six times as much per cluster-hour and leave the
 * fleet one forced upgrade away from an outage.
 */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = ["1.32", "1.33", "1.34", "1.35"];

/**
 * The last day of standard support per minor version (UTC); extended support (priced as such
 * by cost/) follows for 12 months. Source: Amazon EKS User Guide, "Understand the Kubernetes
 * version lifecycle on EKS" (release calendar), mirrored by endoflife.date/amazon-eks.
 */
export const STANDARD_SUPPORT_ENDS: Readonly<Record<string, string>> = {
  "1.30": "2025-07-23",
  "1.31": "2025-11-26",
  "1.32": "2026-03-23",
  "1.33": "2026-07-29",
  "1.34": "2026-12-02",
  "1.35": "2027-03-27",
};
