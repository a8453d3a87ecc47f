import type { FleetSpec } from "../../fleet";
import * as names from "../../fleet/names";
import { LAYER_NAMES, layerNamespaces } from "../../policies/allow-list";
import { k8s } from "../k8s";
import { Replication, replicate } from "../replicate";

/** The group that may read (never change, never read Secrets) on every cluster of the fleet, and its role. */
export const FLEET_VIEWERS_GROUP = names.FLEET_VIEWERS_GROUP;
export const FLEET_VIEWER_ROLE = names.FLEET_VIEWER_ROLE;

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

/**
 * Where each Flux layer other than the platform may write: its account gets its layer's role
 * (generated from the allow-list, components/flux-lockdown.ts) in the layer's namespaces
 * (policies/allow-list.ts layerNamespaces: each namespace the fleet creates for the apps, the
 * gateway's for the traffic layer), and nowhere else. Rendered by the platform layer, which
 * the others wait for. Argo CD limits its layers with AppProjects instead
 * (components/argocd-projects.ts).
 */
export function layerAccessReplication(fleet: FleetSpec): Replication {
  return replicate("layer-access", (scope) => {
    if (fleet.gitops.engine !== "flux") return;
    for (const layer of LAYER_NAMES.filter((l) => l !== "platform")) {
      for (const namespace of layerNamespaces(fleet, layer)) {
        new k8s.KubeRoleBinding(scope, `${namespace}-${layer}`, {
          metadata: { name: names.layerRoleName(layer), namespace },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: names.layerRoleName(layer) },
          subjects: [{ kind: "ServiceAccount", name: names.fluxLayerServiceAccount(layer), namespace: names.AGENTS.flux.namespace }],
        });
      }
    }
  });
}
