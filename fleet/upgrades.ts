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
  // Each cluster against its own version: a wave still held at the previous one is not moving.
  const byStep = new Map<string, { running: string; target: string; clusters: string[] }>();
  for (const cluster of spec.clusters) {
    const running = deployed[cluster.name];
    const target = minorOf(cluster.kubernetesVersion);
    const minor = running === undefined ? undefined : minorOf(running);
    if (target === undefined || minor === undefined || Math.abs(target - minor) <= 1) continue;
    const key = `${running} ${cluster.kubernetesVersion}`;
    const step = byStep.get(key) ?? { running, target: cluster.kubernetesVersion, clusters: [] };
    byStep.set(key, { ...step, clusters: [...step.clusters, cluster.name] });
  }
  return [...byStep.values()].map(({ running, target, clusters }) => {
    const minor = minorOf(running)!;
    const who = `${clusters.join(", ")} ${clusters.length === 1 ? "runs" : "run"} ${running} (${where})`;
    const message =
      minorOf(target)! > minor
        ? `${who}: EKS upgrades a control plane one minor version at a time; set 1.${minor + 1}, deploy, then go on to ${target}`
        : `${who}: EKS cannot downgrade a control plane to ${target}; it only rolls back to the previous minor version (1.${minor - 1}), within 7 days of an upgrade`;
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
