/**
 * Kubernetes minor versions EKS offers standard support for. Extended-support versions
 * are refused on purpose: they cost six times as much per cluster-hour and leave the
 * fleet one forced upgrade away from an outage.
 */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = ["1.32", "1.33", "1.34", "1.35"];
