import { agentRoleName, roleArn } from "./names";

/**
 * Who may use each cluster's Kubernetes API, and with which EKS access policy: the one list
 * the clusters' access entries are built from and the `eks-access-entries` rule checks them
 * against. Access entries only (`authenticationMode: API`); the cluster creator gets nothing
 * by itself (`bootstrapClusterCreatorAdminPermissions: false`).
 */

/** EKS access policies (EKS User Guide, "Review access policy permissions"). */
export const ACCESS_POLICIES = {
  /** Everything, cluster-wide: what `kubectl` as cluster-admin can do. */
  clusterAdmin: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
  /**
   * get/list/watch of most objects: workloads, Services, ConfigMaps, Namespaces, PVCs,
   * NetworkPolicies, events. Not Secrets (so not Helm release records, which are Secrets),
   * not custom resources, not RBAC.
   */
  view: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
} as const;

export interface AccessGrant {
  /** Stable part of the resource names: `deployer`, `admin-<i>`, `previewer`. */
  readonly key: string;
  /** Where the principal is configured, for messages. */
  readonly path: string;
  readonly principalArn: string;
  readonly policyArn: string;
}

/** The principals the fleet's settings name: the deploy role and clusterAdmins as admins, the preview role as viewer. */
export function accessGrants(fleet: { readonly deployRoleArn: string; readonly clusterAdmins: readonly string[]; readonly previewRoleArn?: string }): AccessGrant[] {
  return [
    { key: "deployer", path: "fleet.deployRoleArn", principalArn: fleet.deployRoleArn, policyArn: ACCESS_POLICIES.clusterAdmin },
    ...fleet.clusterAdmins.map((principalArn, i) => ({ key: `admin-${i}`, path: `fleet.clusterAdmins[${i}]`, principalArn, policyArn: ACCESS_POLICIES.clusterAdmin })),
    ...(fleet.previewRoleArn ? [{ key: "previewer", path: "fleet.previewRoleArn", principalArn: fleet.previewRoleArn, policyArn: ACCESS_POLICIES.view }] : []),
  ];
}

/** The Argo CD spoke role of each cluster (`<fleet>-<cluster>-argocd-spoke`): the hubs manage a spoke as cluster-admin. */
export const ARGOCD_SPOKE_ROLE = "argocd-spoke";

/** What `accessPolicyHolders` reads of the fleet model. */
interface FleetAccess {
  readonly name: string;
  readonly accountId: string;
  readonly deployRoleArn: string;
  readonly clusterAdmins: readonly string[];
  readonly previewRoleArn?: string;
  readonly gitops: { readonly engine: string };
  readonly clusters: readonly { readonly name: string }[];
}

/**
 * Every principal the program associates an access policy with, by policy kind: the
 * configured grants, and under Argo CD each cluster's spoke role (cluster-admin, for the hubs).
 * The `eks-access-entries` rule allows exactly these.
 */
export function accessPolicyHolders(fleet: FleetAccess): { admin: string[]; view: string[] } {
  const grants = accessGrants(fleet);
  const spokes = fleet.gitops.engine === "argocd" ? fleet.clusters.map((c) => roleArn(fleet.accountId, agentRoleName(fleet.name, c.name, ARGOCD_SPOKE_ROLE))) : [];
  return {
    admin: [...grants.filter((g) => g.policyArn === ACCESS_POLICIES.clusterAdmin).map((g) => g.principalArn), ...spokes],
    view: grants.filter((g) => g.policyArn === ACCESS_POLICIES.view).map((g) => g.principalArn),
  };
}
