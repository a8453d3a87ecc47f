import { Problem } from "./errors";
import { FleetSpec } from "./spec";
import { minorOf } from "./versions";

/** The Kubernetes version each deployed cluster runs, by cluster name. */
export type DeployedVersions = Readonly<Record<string, string>>;

/** The resource types whose `version` input is a cluster's Kubernetes version: the provider's cluster and the @pulumi/eks component. */
const CLUSTER_TYPES = ["aws:eks/cluster:Cluster", "eks:index:Cluster"];

/**
 * Version changes EKS refuses, per deployed cluster: a control plane moves up one minor version
 * per update (EKS User Guide, "Update existing cluster to new Kubernetes version"), and down only
 * by version rollback, to the previous minor within 7 days of an upgrade ("Rollback cluster to
 * previous Kubernetes version"). Clusters not deployed yet are created at any version.
 * `where` names where the deployed versions were read, for the message.
 */
export function upgradeProblems(spec: FleetSpec, deployed: DeployedVersions, where: string): Problem[] {
  const target = minorOf(spec.kubernetesVersion);
  if (target === undefined) return [];
  const byVersion = new Map<string, string[]>();
  for (const cluster of spec.clusters) {
    const running = deployed[cluster.name];
    const minor = running === undefined ? undefined : minorOf(running);
    if (minor === undefined || Math.abs(target - minor) <= 1) continue;
    byVersion.set(running, [...(byVersion.get(running) ?? []), cluster.name]);
  }
  return [...byVersion].map(([running, clusters]) => {
    const minor = minorOf(running)!;
    const who = `${clusters.join(", ")} ${clusters.length === 1 ? "runs" : "run"} ${running} (${where})`;
    const message =
      target > minor
        ? `${who}: EKS upgrades a control plane one minor version at a time; set 1.${minor + 1}, deploy, then go on to ${spec.kubernetesVersion}`
        : `${who}: EKS cannot downgrade a control plane to ${spec.kubernetesVersion}; it only rolls back to the previous minor version (1.${minor - 1}), within 7 days of an upgrade`;
    return { path: "fleet.kubernetesVersion", message };
  });
}

/** What a plan's clusters run: the `version` input of each cluster resource, by cluster name. */
export function versionsInPlan(resources: readonly { type: string; cluster?: string | null; inputs: Record<string, unknown> }[]): DeployedVersions {
  const versions: Record<string, string> = {};
  for (const r of resources) {
    if (CLUSTER_TYPES.includes(r.type) && r.cluster && typeof r.inputs.version === "string") versions[r.cluster] = r.inputs.version;
  }
  return versions;
}
