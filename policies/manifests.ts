import { EnforcementLevel } from "./violation";

/**
 * Rules over the rendered GitOps tree (`clusters/<cluster>/{platform,apps}/…`, one object
 * per file). CrossGuard never sees these objects — the agents in each cluster apply them —
 * so they are checked here, by `npm run plan` and `npm run check`, before they are pushed.
 */

export interface ManifestObject {
  /** Path relative to the tree's root, e.g. `clusters/use1/platform/namespace-payments.yaml`. */
  readonly file: string;
  readonly cluster: string;
  readonly layer: string;
  readonly object: Record<string, any>;
}

export interface ManifestTree {
  readonly clusters: readonly string[];
  readonly objects: readonly ManifestObject[];
}

export type ReportFileViolation = (message: string, file: string) => void;

export interface ManifestPolicy {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly validateTree: (tree: ManifestTree, reportViolation: ReportFileViolation) => void;
}

/**
 * Marks an object that may differ between clusters (or exist in only some), with the
 * reason as its value: `eks-fleet.io/override: "hub only: Argo CD runs here"`.
 */
export const OVERRIDE_ANNOTATION = "eks-fleet.io/override";
/** Namespaces Kubernetes itself owns: the tree never replicates workloads into them. */
export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
const BROAD_GROUPS = ["system:authenticated", "system:unauthenticated", "system:serviceaccounts"];

const kindOf = (o: ManifestObject) => String(o.object.kind ?? "");
const nameOf = (o: ManifestObject) => String(o.object.metadata?.name ?? "");
const namespaceOf = (o: ManifestObject) => (o.object.metadata?.namespace as string | undefined) ?? undefined;

/** Namespaces the tree creates in each cluster, except the system ones. */
function replicatedNamespaces(tree: ManifestTree): ManifestObject[] {
  return tree.objects.filter((o) => kindOf(o) === "Namespace" && !SYSTEM_NAMESPACES.includes(nameOf(o)));
}

const inNamespace = (tree: ManifestTree, ns: ManifestObject, kind: string) =>
  tree.objects.filter((o) => o.cluster === ns.cluster && kindOf(o) === kind && namespaceOf(o) === nameOf(ns));

export const noSecrets: ManifestPolicy = {
  name: "manifests-no-secret",
  description: "Checks whether the GitOps tree is free of Kubernetes Secret objects (secrets come from Secrets Manager through ExternalSecrets).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of tree.objects.filter((x) => kindOf(x) === "Secret")) {
      reportViolation(
        `Secret '${namespaceOf(o) ?? "default"}/${nameOf(o)}' is committed to Git, readable by anyone with the repository. Delete it, rotate its values, store them in Secrets Manager and render an ExternalSecret instead.`,
        o.file,
      );
    }
  },
};

function isDefaultDeny(policy: Record<string, any>): boolean {
  const spec = policy.spec ?? {};
  const selector = spec.podSelector ?? {};
  const selectsAll = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  const types: string[] = spec.policyTypes ?? [];
  // Any ingress/egress rule allows something; a deny-all policy has none.
  const allowsNothing = (spec.ingress ?? []).length === 0 && (spec.egress ?? []).length === 0;
  return selectsAll && types.includes("Ingress") && types.includes("Egress") && allowsNothing;
}

export const defaultDenyNetworkPolicy: ManifestPolicy = {
  name: "manifests-default-deny-network-policy",
  description: "Checks whether every namespace the tree creates has a default-deny NetworkPolicy for ingress and egress.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const ns of replicatedNamespaces(tree)) {
      if (inNamespace(tree, ns, "NetworkPolicy").some((p) => isDefaultDeny(p.object))) continue;
      reportViolation(
        `Namespace '${nameOf(ns)}' in cluster ${ns.cluster} has no default-deny NetworkPolicy, so every pod accepts and opens any connection. Add one with podSelector: {}, policyTypes: [Ingress, Egress] and no rules, then allow what the workloads need.`,
        ns.file,
      );
    }
  },
};

export const noBroadClusterAdmin: ManifestPolicy = {
  name: "manifests-no-broad-cluster-admin",
  description: "Checks whether no binding grants cluster-admin to a group, or any role to everyone (system:authenticated, system:unauthenticated, system:serviceaccounts).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of tree.objects.filter((x) => ["ClusterRoleBinding", "RoleBinding"].includes(kindOf(x)))) {
      const role = String(o.object.roleRef?.name ?? "");
      for (const subject of (o.object.subjects ?? []) as { kind?: string; name?: string }[]) {
        const everyone = subject.kind === "Group" && BROAD_GROUPS.some((g) => subject.name === g || subject.name?.startsWith(`${g}:`));
        // Group membership lives outside Git and cluster-admin cannot be scoped: bind it to no group.
        const adminToGroup = subject.kind === "Group" && role === "cluster-admin" && o.object.roleRef?.kind === "ClusterRole";
        if (!everyone && !adminToGroup) continue;
        reportViolation(
          `${kindOf(o)} '${nameOf(o)}' binds ${role} to group ${subject.name}${everyone ? ", which every caller or workload belongs to" : ""}. Bind a narrower role (admin, edit, view, or a custom Role) to a named group, or grant cluster access through EKS access entries.`,
          o.file,
        );
      }
    }
  },
};

export const quotaAndLimits: ManifestPolicy = {
  name: "manifests-quota-and-limits",
  description: "Checks whether every namespace the tree creates has a ResourceQuota and a LimitRange.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const ns of replicatedNamespaces(tree)) {
      const missing = ["ResourceQuota", "LimitRange"].filter((kind) => inNamespace(tree, ns, kind).length === 0);
      if (missing.length === 0) continue;
      reportViolation(
        `Namespace '${nameOf(ns)}' in cluster ${ns.cluster} has no ${missing.join(" and no ")}, so one workload can starve the others (and a failover doubles the load). Add ${missing.join(" and ")} to the namespace.`,
        ns.file,
      );
    }
  },
};

const CONSISTENT_KINDS = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "CustomResourceDefinition"];

/** The object without its override marker, as stable text. */
function canonical(object: Record<string, any>): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as any)[k])])) : v;
  const copy = JSON.parse(JSON.stringify(object));
  if (copy.metadata?.annotations) {
    delete copy.metadata.annotations[OVERRIDE_ANNOTATION];
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  }
  return JSON.stringify(sort(copy));
}

const overridden = (o: ManifestObject) => typeof o.object.metadata?.annotations?.[OVERRIDE_ANNOTATION] === "string";

export const fleetConsistentRbac: ManifestPolicy = {
  name: "manifests-fleet-consistent",
  description: `Checks whether RBAC objects and CRDs are identical in every cluster, unless annotated ${OVERRIDE_ANNOTATION} with a reason.`,
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    const groups = new Map<string, ManifestObject[]>();
    for (const o of tree.objects.filter((x) => CONSISTENT_KINDS.includes(kindOf(x)))) {
      const key = `${kindOf(o)} ${namespaceOf(o) ?? ""}/${nameOf(o)}`;
      groups.set(key, [...(groups.get(key) ?? []), o]);
    }
    const fix = `Render it from the fleet model so every cluster gets the same object, or annotate the cluster-specific copy with ${OVERRIDE_ANNOTATION}: "<reason>".`;
    for (const [key, copies] of groups) {
      const baseline = copies.filter((o) => !overridden(o));
      if (baseline.length === 0) continue;
      // The most common content is the fleet's; the others drifted from it.
      const counts = new Map<string, ManifestObject[]>();
      for (const o of baseline) counts.set(canonical(o.object), [...(counts.get(canonical(o.object)) ?? []), o]);
      const [reference, ...drifted] = [...counts.values()].sort((a, b) => b.length - a.length || a[0].cluster.localeCompare(b[0].cluster));
      for (const o of drifted.flat()) {
        reportViolation(`${key} in cluster ${o.cluster} differs from cluster ${reference[0].cluster} (${reference[0].file}). ${fix}`, o.file);
      }
      const present = new Set(copies.map((o) => o.cluster));
      for (const cluster of tree.clusters.filter((c) => !present.has(c))) {
        const model = reference[0];
        const expected = model.file.replace(`clusters/${model.cluster}/`, `clusters/${cluster}/`);
        // Reported on the file that exists: the missing one has no line to point at.
        reportViolation(`${key} exists in cluster ${model.cluster} (${model.file}) but not in cluster ${cluster} (no ${expected}). ${fix}`, model.file);
      }
    }
  },
};

export const manifestPolicies: ManifestPolicy[] = [noSecrets, defaultDenyNetworkPolicy, noBroadClusterAdmin, quotaAndLimits, fleetConsistentRbac];
