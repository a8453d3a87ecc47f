/**
 * Kubernetes minor versions EKS offers standard support for. Extended-support versions
 * are refused on purpose: they cost six times as much per cluster-hour and leave the
 * fleet one forced upgrade away from an outage.
 */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = ["1.32", "1.33", "1.34", "1.35"];

/** The EKS add-on versions of the networking add-ons every cluster runs, for one Kubernetes minor. */
export interface CoreAddonVersions {
  readonly vpcCni: string;
  readonly kubeProxy: string;
  readonly coreDns: string;
}

/**
 * Pinned, never looked up at deploy time (a lookup is a call into the cluster's region on
 * every run, and picks a new version without a change in Git). kube-proxy follows the
 * cluster's minor version; CoreDNS and the VPC CNI are compatible across several. Each row is
 * a set published for that minor and deployed together; `aws eks describe-addon-versions
 * --kubernetes-version <minor> --addon-name <name>` lists what EKS offers when bumping one.
 */
export const CORE_ADDON_VERSIONS: Readonly<Record<string, CoreAddonVersions>> = {
  "1.32": { vpcCni: "v1.19.2-eksbuild.1", kubeProxy: "v1.32.0-eksbuild.2", coreDns: "v1.11.4-eksbuild.2" },
  "1.33": { vpcCni: "v1.20.0-eksbuild.1", kubeProxy: "v1.33.0-eksbuild.2", coreDns: "v1.12.2-eksbuild.4" },
  "1.34": { vpcCni: "v1.20.4-eksbuild.2", kubeProxy: "v1.34.0-eksbuild.2", coreDns: "v1.12.3-eksbuild.1" },
  "1.35": { vpcCni: "v1.21.1-eksbuild.3", kubeProxy: "v1.35.0-eksbuild.2", coreDns: "v1.13.2-eksbuild.1" },
};
