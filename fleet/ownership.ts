/**
 * Which cluster a resource belongs to, by the components above it: a `RegionalCluster` is its
 * cluster; a cluster's component parented under the fleet instead (so that a per-cluster
 * fleet's links stack can hold it: deploy/stacks.ts) is named `<cluster><suffix>`. One rule
 * for plan.json and the policies that price or check a stack, so they attribute alike.
 */
export const CLUSTER_COMPONENT = "eks-fleet:cluster:RegionalCluster";
const CLUSTER_OWNED_COMPONENTS: Readonly<Record<string, string>> = {
  "eks-fleet:backup:BackupReplication": "-backup-replication",
  // Its Argo CD cluster Secret, which lives on its hub (components/argocd-registration.ts).
  "eks-fleet:gitops:ArgoCdRegistration": "-argocd-registration",
};

/** The cluster the component `type`/`name` stands for, if it stands for one of `clusters`. */
export function clusterOfComponent(type: string, name: string, clusters: ReadonlySet<string>): string | undefined {
  if (type === CLUSTER_COMPONENT) return name;
  const suffix = CLUSTER_OWNED_COMPONENTS[type];
  if (suffix && name.endsWith(suffix) && clusters.has(name.slice(0, -suffix.length))) return name.slice(0, -suffix.length);
  return undefined;
}
