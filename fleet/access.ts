import type { Problem } from "./errors";
import type { FleetConfig } from "./schema";
import type { FleetSpec } from "./spec";

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

/**
 * `adminRoles` that would mean nothing or fail: a role in a namespace without `admins` maps to
 * no group, and a role that is also in `clusterAdmins` already has its access entry (EKS
 * refuses a second one for the same principal: 409 ResourceInUseException).
 */
export function checkNamespaceAdmins(fleet: Pick<FleetConfig, "namespaces" | "clusterAdmins">): Problem[] {
  return fleet.namespaces.flatMap((ns, i) =>
    ns.adminRoles.flatMap((role, j): Problem[] => {
      const path = `fleet.namespaces[${i}].adminRoles[${j}]`;
      if (fleet.clusterAdmins.includes(role)) return [{ path, message: `${role} is also in fleet.clusterAdmins: it already administers the whole cluster, and EKS allows one access entry per role` }];
      if (ns.admins.length === 0) return [{ path, message: `${role} would be given no group: list the groups it acts as in fleet.namespaces[${i}].admins` }];
      return [];
    }),
  );
}
