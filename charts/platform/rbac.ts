import { k8s } from "../k8s";
import { Replication, replicate } from "../replicate";

/** The group that may read (never change, never read Secrets) on every cluster of the fleet. */
export const FLEET_VIEWERS_GROUP = "fleet-viewers";
export const FLEET_VIEWER_ROLE = "fleet-viewer";

const READ = ["get", "list", "watch"];

/**
 * Explicit resources rather than `*`: a wildcard on the core group would include Secrets
 * (and `pods/exec`-style subresources), which a read-only role must never grant.
 */
const READABLE: readonly k8s.PolicyRule[] = [
  {
    apiGroups: [""],
    resources: [
      "configmaps", "endpoints", "events", "limitranges", "namespaces", "nodes", "persistentvolumeclaims",
      "persistentvolumes", "pods", "replicationcontrollers", "resourcequotas", "serviceaccounts", "services",
    ],
  },
  { apiGroups: ["apps"], resources: ["daemonsets", "deployments", "replicasets", "statefulsets"] },
  { apiGroups: ["batch"], resources: ["cronjobs", "jobs"] },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"] },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"] },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"] },
  { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterrolebindings", "clusterroles", "rolebindings", "roles"] },
  { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"] },
  { apiGroups: ["external-secrets.io"], resources: ["clustersecretstores", "externalsecrets", "secretstores"] },
  { apiGroups: ["velero.io"], resources: ["backups", "backupstoragelocations", "restores", "schedules"] },
  { apiGroups: ["kustomize.toolkit.fluxcd.io", "source.toolkit.fluxcd.io"], resources: ["gitrepositories", "kustomizations"] },
].map((rule) => ({ ...rule, verbs: READ }));

/** The fleet-wide read-only role and its binding: identical on every cluster. */
export function fleetViewerReplication(): Replication {
  return replicate("fleet-viewer", (scope) => {
    new k8s.KubeClusterRole(scope, "role", { metadata: { name: FLEET_VIEWER_ROLE }, rules: [...READABLE] });
    new k8s.KubeClusterRoleBinding(scope, "binding", {
      metadata: { name: FLEET_VIEWER_ROLE },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: FLEET_VIEWER_ROLE },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: FLEET_VIEWERS_GROUP }],
    });
  });
}
