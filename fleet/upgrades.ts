import { Problem } from "./errors";
import { FleetSpec } from "./spec";
import { kubernetesVersionOf, minorOf } from "./versions";

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
  // Clusters grouped by the step they would take: the version they run and the one they are set to.
  const bySteps = new Map<string, { running: string; target: string; clusters: string[] }>();
  for (const cluster of spec.clusters) {
    const target = kubernetesVersionOf(spec, cluster);
    const running = deployed[cluster.name];
    const [to, from] = [minorOf(target), running === undefined ? undefined : minorOf(running)];
    if (to === undefined || from === undefined || Math.abs(to - from) <= 1) continue;
    const key = `${running}\0${target}`;
    if (!bySteps.has(key)) bySteps.set(key, { running, target, clusters: [] });
    bySteps.get(key)!.clusters.push(cluster.name);
  }
  return [...bySteps.values()].map(({ running, target, clusters }) => {
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
