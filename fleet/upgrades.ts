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

/**
 * A change reaches one wave per deploy: the clusters whose Kubernetes version would change
 * from what was deployed (`deployed`), by wave; more than one wave is refused unless the
 * stack asks (`rollout.allowMultipleWaves`). A first wave's move with the waves after it held
 * by the rollout state (their promoted versions) passes; a state edited to move two waves, or
 * a fleet without one, does not. Clusters not deployed yet are created at any version.
 */
export function multiWaveProblems(spec: FleetSpec, deployed: DeployedVersions): Problem[] {
  if (spec.rollout.allowMultipleWaves) return [];
  const moving = spec.waves.filter((w) => w.clusters.some((name) => {
    const running = deployed[name];
    return running !== undefined && running !== spec.clusters.find((c) => c.name === name)!.kubernetesVersion;
  }));
  if (moving.length < 2) return [];
  const steps = [...new Set(spec.clusters.filter((c) => deployed[c.name] !== undefined && deployed[c.name] !== c.kubernetesVersion).map((c) => `${deployed[c.name]} → ${c.kubernetesVersion}`))];
  return [{
    path: "fleet.rollout.waves",
    message: `one deploy would move the clusters of waves ${moving.map((w) => w.name).join(", ")} (Kubernetes ${steps.join(", ")}); a change reaches one wave per deploy: promote the waves one at a time (npm run rollout -- promote), or set rollout.allowMultipleWaves for this deploy`,
  }];
}
