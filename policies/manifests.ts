import * as names from "../fleet/names";
import { secretsIn } from "./closed-world";
import { covers, differingPointers, objectDigest, objectKey, OverrideRecord } from "./override-record";
import { EnforcementLevel } from "./violation";

/**
 * Rules over the rendered GitOps tree (`clusters/<cluster>/{platform,apps}/…`), judged on
 * what the agents apply (policies/tree.ts reads each layer with kustomize's semantics).
 * CrossGuard never sees these objects — the agents in each cluster apply them — so they
 * are checked here, by `npm run plan` and `npm run check`, before they are pushed.
 */

export interface ManifestObject {
  /** Path relative to the tree's root, e.g. `clusters/use1/platform/namespace-payments.yaml`. */
  readonly file: string;
  readonly cluster: string;
  readonly layer: string;
  readonly object: Record<string, any>;
}

/** A file of the tree with its YAML/JSON documents (undefined: binary, too big or not YAML). */
export interface TreeFile {
  readonly path: string;
  readonly documents: readonly unknown[] | undefined;
}

/** One way the tree departs from what the renderer writes, naming the file. */
export interface LayoutProblem {
  readonly file: string;
  readonly message: string;
}

export interface ManifestTree {
  readonly clusters: readonly string[];
  /** What the agents apply: every document each layer's kustomization lists, `List` items unwrapped. */
  readonly objects: readonly ManifestObject[];
  /** Every file of the tree, applied or not: a Secret anywhere in Git leaks. @default objects' files only */
  readonly files?: readonly TreeFile[];
  /** Where the tree is not the closed world the renderer writes. @default [] */
  readonly layout?: readonly LayoutProblem[];
  /** The renderer's record of overrides declared in code (absent: nothing was overridden). */
  readonly overrides?: OverrideRecord;
}

export type ReportFileViolation = (message: string, file: string) => void;

export interface ManifestPolicy {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly validateTree: (tree: ManifestTree, reportViolation: ReportFileViolation) => void;
}


export const kindOf = (o: ManifestObject) => String(o.object.kind ?? "");
export const nameOf = (o: ManifestObject) => String(o.object.metadata?.name ?? "");
export const namespaceOf = (o: ManifestObject) => (o.object.metadata?.namespace as string | undefined) ?? undefined;

/** Namespaces the tree creates in each cluster, except the system ones. */
export function replicatedNamespaces(tree: ManifestTree): ManifestObject[] {
  return tree.objects.filter((o) => kindOf(o) === "Namespace" && !(names.SYSTEM_NAMESPACES as readonly string[]).includes(nameOf(o)));
}

const inNamespace = (tree: ManifestTree, ns: ManifestObject, kind: string) =>
  tree.objects.filter((o) => o.cluster === ns.cluster && kindOf(o) === kind && namespaceOf(o) === nameOf(ns));

export const closedWorld: ManifestPolicy = {
  name: "manifests-closed-world",
  description: "Checks whether the tree is exactly what the renderer writes: per layer a kustomization.yaml that only lists the layer's files, every file listed, plain objects only, nothing outside the layer folders.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const problem of tree.layout ?? []) reportViolation(problem.message, problem.file);
  },
};

export const noSecrets: ManifestPolicy = {
  name: "manifests-no-secret",
  description: "Checks whether the GitOps tree is free of Kubernetes Secret objects, in any file (secrets come from Secrets Manager through ExternalSecrets).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    const files = tree.files ?? [...new Set(tree.objects.map((o) => o.file))].map((file) => ({ path: file, documents: tree.objects.filter((o) => o.file === file).map((o) => o.object) }));
    for (const file of files) {
      for (const secret of secretsIn(file.documents ?? [])) {
        reportViolation(
          `Secret '${secret.metadata?.namespace ?? "default"}/${secret.metadata?.name ?? ""}' is committed to Git, readable by anyone with the repository. Delete it, rotate its values, store them in Secrets Manager and render an ExternalSecret instead.`,
          file.path,
        );
      }
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

/**
 * Whether the renderer recorded this copy as overridden in code: the record names the object
 * on this cluster and its digest matches the copy (a later hand edit does not), and every
 * difference from the fleet's copy lies under a pointer the override touched.
 */
function declaredOverride(record: OverrideRecord | undefined, o: ManifestObject, reference: Record<string, any> | undefined): boolean {
  const entry = record?.overrides.find((e) => e.object === objectKey(o.object) && e.cluster === o.cluster);
  if (!entry || entry.sha256 !== objectDigest(o.object)) return false;
  return reference === undefined || differingPointers(reference, o.object).every((p) => entry.pointers.some((c) => covers(c, p)));
}

export const fleetConsistentRbac: ManifestPolicy = {
  name: "manifests-fleet-consistent",
  description: "Checks whether RBAC objects and CRDs are identical in every cluster, unless the renderer recorded an override or placement declared in code (.override/.patch/.to).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    const groups = new Map<string, ManifestObject[]>();
    for (const o of tree.objects.filter((x) => CONSISTENT_KINDS.includes(kindOf(x)))) {
      const key = objectKey(o.object);
      groups.set(key, [...(groups.get(key) ?? []), o]);
    }
    const fix = "Render it from the fleet model so every cluster gets the same object; a per-cluster difference must come from a Replication's .override()/.patch()/.to() in charts/, which the renderer records.";
    for (const [key, copies] of groups) {
      const recorded = copies.filter((o) => declaredOverride(tree.overrides, o, undefined));
      const baseline = copies.filter((o) => !recorded.includes(o));
      // The most common content is the fleet's; the others drifted from it.
      const counts = new Map<string, ManifestObject[]>();
      for (const o of baseline) counts.set(objectDigest(o.object), [...(counts.get(objectDigest(o.object)) ?? []), o]);
      const [reference, ...drifted] = [...counts.values()].sort((a, b) => b.length - a.length || a[0].cluster.localeCompare(b[0].cluster));
      for (const o of drifted.flat()) {
        reportViolation(`${key} in cluster ${o.cluster} differs from cluster ${reference[0].cluster} (${reference[0].file}). ${fix}`, o.file);
      }
      for (const o of recorded.filter((x) => reference && !declaredOverride(tree.overrides, x, reference[0].object))) {
        reportViolation(`${key} in cluster ${o.cluster} differs from cluster ${reference[0].cluster} (${reference[0].file}) beyond what its recorded override changed. ${fix}`, o.file);
      }
      const present = new Set(copies.map((o) => o.cluster));
      const placement = tree.overrides?.placements.find((p) => p.object === key);
      const model = (reference ?? copies)[0];
      for (const cluster of tree.clusters.filter((c) => !present.has(c) && !(placement && !placement.clusters.includes(c)))) {
        const expected = model.file.replace(`clusters/${model.cluster}/`, `clusters/${cluster}/`);
        // Reported on the file that exists: the missing one has no line to point at.
        reportViolation(`${key} exists in cluster ${model.cluster} (${model.file}) but not in cluster ${cluster} (no ${expected}). ${fix}`, model.file);
      }
      for (const o of copies.filter((x) => placement && !placement.clusters.includes(x.cluster))) {
        reportViolation(`${key} exists in cluster ${o.cluster}, where the renderer places it nowhere (only ${placement!.clusters.join(", ")}). ${fix}`, o.file);
      }
    }
  },
};
