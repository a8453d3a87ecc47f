import type { Problem } from "./errors";
import { agentRoleName, roleArn } from "./names";
import type { FleetConfig } from "./schema";
import type { FleetSpec } from "./spec";

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

/**
 * Who may read and change what, derived from the model once: the namespaces that declare
 * secrets (each gets its own secrets reader and IAM role) and the IAM roles that administer
 * namespaces (each gets one EKS access entry carrying the groups of every namespace it administers).
 */

/** The namespaces with at least one `fleet.secrets` entry, sorted. */
export function secretNamespaces(fleet: Pick<FleetSpec, "secrets">): string[] {
  return [...new Set(fleet.secrets.map((s) => s.namespace))].sort();
}

/** One EKS access entry: an IAM role and the groups it is given (never a cluster-admin policy). */
export interface NamespaceAdminEntry {
  readonly principalArn: string;
  readonly kubernetesGroups: readonly string[];
  /** The namespaces whose `admins` the groups are. */
  readonly namespaces: readonly string[];
}

/**
 * The access entries of `namespaces[].adminRoles`: EKS allows one entry per principal, so a
 * role that administers several namespaces gets one entry with all their groups.
 */
export function namespaceAdminEntries(fleet: Pick<FleetSpec, "namespaces">): NamespaceAdminEntry[] {
  const byRole = new Map<string, { groups: Set<string>; namespaces: string[] }>();
  for (const ns of fleet.namespaces) {
    for (const role of ns.adminRoles ?? []) {
      const entry = byRole.get(role) ?? { groups: new Set<string>(), namespaces: [] };
      ns.admins.forEach((g) => entry.groups.add(g));
      entry.namespaces.push(ns.name);
      byRole.set(role, entry);
    }
  }
  return [...byRole.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([principalArn, { groups, namespaces }]) => ({ principalArn, kubernetesGroups: [...groups].sort(), namespaces }));
}

/** `account/role-name` of a role ARN: IAM role names are unique in an account whatever their path. */
const roleKey = (arn: string) => {
  const [, account, name] = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn) ?? [];
  return `${account}/${name}`;
};

/**
 * `adminRoles` that would mean nothing or fail: a role in a namespace without `admins` maps to
 * no group, and a role the fleet already grants access to (the deploy role, `clusterAdmins`,
 * the preview role) already has its access entry (EKS refuses a second one for the same
 * principal: 409 ResourceInUseException).
 */
export function checkNamespaceAdmins(fleet: Pick<FleetConfig, "namespaces" | "clusterAdmins" | "deployRoleArn" | "previewRoleArn">): Problem[] {
  const grants = accessGrants(fleet);
  return fleet.namespaces.flatMap((ns, i) =>
    ns.adminRoles.flatMap((role, j): Problem[] => {
      const path = `fleet.namespaces[${i}].adminRoles[${j}]`;
      const granted = grants.find((g) => roleKey(g.principalArn) === roleKey(role));
      if (granted) {
        const what = granted.policyArn === ACCESS_POLICIES.clusterAdmin ? "administers the whole cluster" : "reads the whole cluster";
        return [{ path, message: `${role} is also ${granted.path}: it already ${what} through its access entry, and EKS allows one access entry per role` }];
      }
      if (ns.admins.length === 0) return [{ path, message: `${role} would be given no group: list the groups it acts as in fleet.namespaces[${i}].admins` }];
      return [];
    }),
  );
}
