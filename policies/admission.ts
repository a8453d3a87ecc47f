import { AllowedKind, allowedKind, crdProblem, declaredKinds, DeclaredKind, groupOf, holdsDeclaredKind, Identity, LAYER_KINDS, treeMayCreateNamespace } from "./allow-list";
import { kindOf, ManifestObject, ManifestPolicy, ManifestTree, nameOf } from "./manifests";

/**
 * What may enter each layer at all, by the allow-list (policies/allow-list.ts): its kinds,
 * the CRDs it may declare, the namespaces objects may live in, and one object per identity.
 * The content rules (rbac.ts, network.ts, pod-security.ts, workloads.ts) then judge what is
 * inside the objects that got in.
 */

const isCrd = (o: ManifestObject) => groupOf(o.object.apiVersion) === "apiextensions.k8s.io" && kindOf(o) === "CustomResourceDefinition";

/** Per cluster: the namespaces its platform layer creates and the kinds its CRDs declare. */
interface ClusterScope {
  readonly namespaces: ReadonlySet<string>;
  readonly declared: readonly DeclaredKind[];
}

function scopes(tree: ManifestTree): Map<string, ClusterScope> {
  return new Map(tree.clusters.map((cluster) => {
    const platform = tree.objects.filter((o) => o.cluster === cluster && o.layer === "platform");
    const namespaces = platform.filter((o) => groupOf(o.object.apiVersion) === "" && kindOf(o) === "Namespace" && treeMayCreateNamespace(nameOf(o))).map(nameOf);
    return [cluster, { namespaces: new Set(namespaces), declared: declaredKinds(platform.filter(isCrd).map((o) => o.object)) }];
  }));
}

/** The allow-list entry or declared kind an object is, if its layer may hold it. */
function admitted(o: ManifestObject, scope: ClusterScope | undefined): AllowedKind | DeclaredKind | undefined {
  const group = groupOf(o.object.apiVersion);
  const listed = allowedKind(o.layer, group, kindOf(o));
  if (listed) return listed;
  // A declared kind is data for the fleet's users: namespaced ones in the layers of their objects, cluster-scoped ones in the platform layer.
  return scope?.declared.find((d) => d.group === group && d.kind === kindOf(o) && holdsDeclaredKind(o.layer, d));
}

const namespaceOf = (o: ManifestObject) => String(o.object.metadata?.namespace ?? "default");
const nameIn = (identity: Identity, cluster: string) => (typeof identity.name === "function" ? identity.name(cluster) : identity.name);
const matches = (identity: Identity, o: ManifestObject) => nameIn(identity, o.cluster) === nameOf(o) && (identity.namespace === undefined || identity.namespace === o.object.metadata?.namespace);
const describe = (identity: Identity, cluster: string) => (identity.namespace ? `${identity.namespace}/${nameIn(identity, cluster)}` : nameIn(identity, cluster));
const kindsOf = (layer: string) => ((LAYER_KINDS as Record<string, readonly AllowedKind[]>)[layer] ?? []).map((k) => (k.group ? `${k.kind}.${k.group}` : k.kind));

export const allowedKinds: ManifestPolicy = {
  name: "manifests-allowed-kinds",
  description: "Checks whether every object is of a kind its layer allows (the fleet's own kinds, or one a CRD of the platform layer declares), and cluster-scoped or AWS-bound objects are the fleet's own.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    const byCluster = scopes(tree);
    for (const o of tree.objects) {
      const what = `${kindOf(o)} '${nameOf(o)}' (${o.object.apiVersion})`;
      const entry = admitted(o, byCluster.get(o.cluster));
      if (!entry) {
        reportViolation(
          `${what} is not a kind the ${o.layer} layer may hold in cluster ${o.cluster}: only ${kindsOf(o.layer).join(", ") || "nothing (no allow-list for this layer)"}${holdsDeclaredKind(o.layer, { namespaced: true }) ? ", and kinds a CRD of the platform layer declares" : ""}. Admission webhooks, API services, agents' objects (Flux, Argo CD, Helm), volumes, priority classes and the like give cluster-wide power: render them from the fleet model (charts/ and policies/allow-list.ts), where the agents' rights are reviewed with them.`,
          o.file,
        );
        continue;
      }
      const fixed = "fixed" in entry ? entry : undefined;
      if (fixed?.fixedOnly && !fixed.fixed!.some((identity) => matches(identity, o))) {
        reportViolation(
          `${what} is not the fleet's own ${kindOf(o)} (${fixed.fixed!.map((i) => describe(i, o.cluster)).join(", ")}): another one would change nodes, storage, load-balancer targets, backups or secret access for the whole cluster. Change the fleet's own object in charts/ instead.`,
          o.file,
        );
      }
    }
  },
};

export const declaredCrds: ManifestPolicy = {
  name: "manifests-declared-crd",
  description: "Checks whether every CRD in the tree declares a new API group (not Kubernetes', AWS's or an installed agent's) without a conversion webhook.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of tree.objects.filter(isCrd)) {
      const problem = crdProblem(o.object);
      if (problem) reportViolation(`CustomResourceDefinition '${nameOf(o)}' in cluster ${o.cluster} ${problem}. Declare your own kinds in your own API group, with no webhook.`, o.file);
    }
  },
};

export const declaredNamespaces: ManifestPolicy = {
  name: "manifests-declared-namespace",
  description: "Checks whether every namespaced object lives in a namespace the tree creates (not an agent's, an add-on's or Kubernetes' own), unless it is one of the fleet's fixed objects there, and no Namespace object takes a reserved name.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    const byCluster = scopes(tree);
    for (const o of tree.objects) {
      if (groupOf(o.object.apiVersion) === "" && kindOf(o) === "Namespace") {
        if (!treeMayCreateNamespace(nameOf(o))) {
          reportViolation(`Namespace '${nameOf(o)}' in cluster ${o.cluster} belongs to Kubernetes, an agent or an add-on the program installs: the tree may not relabel or guard it (its Pod Security and network access are the installer's).`, o.file);
        }
        continue;
      }
      const scope = byCluster.get(o.cluster);
      const entry = admitted(o, scope);
      if (!entry?.namespaced) continue;
      const namespace = namespaceOf(o);
      if (scope?.namespaces.has(namespace)) continue;
      if ("fixed" in entry && entry.fixed?.some((identity) => identity.namespace === namespace && matches(identity, o))) continue;
      const why = o.object.metadata?.namespace === undefined
        ? "names no namespace, so it lands in default"
        : !treeMayCreateNamespace(namespace)
          ? `is in '${namespace}', which belongs to Kubernetes, an agent or an add-on (a binding or workload there acts with the agent's rights)`
          : `is in '${namespace}', which no Namespace of the tree creates (the layer would fail to apply on every cluster)`;
      reportViolation(`${kindOf(o)} '${nameOf(o)}' in cluster ${o.cluster} ${why}. Put it in a namespace of fleet.namespaces.`, o.file);
    }
  },
};

export const uniqueIdentities: ManifestPolicy = {
  name: "manifests-unique-identity",
  description: "Checks whether no two objects of a cluster, in any of its layers, share a kind, namespace and name (the later apply would silently replace the fleet's own object).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    const byCluster = scopes(tree);
    const seen = new Map<string, ManifestObject[]>();
    for (const o of tree.objects) {
      const namespaced = admitted(o, byCluster.get(o.cluster))?.namespaced ?? o.object.metadata?.namespace !== undefined;
      const key = [o.cluster, groupOf(o.object.apiVersion), kindOf(o), namespaced ? namespaceOf(o) : "", nameOf(o)].join("\u0000");
      seen.set(key, [...(seen.get(key) ?? []), o]);
    }
    for (const copies of seen.values()) {
      if (copies.length < 2) continue;
      for (const o of copies) {
        const others = copies.filter((c) => c !== o).map((c) => c.file).join(", ");
        reportViolation(`${kindOf(o)} '${nameOf(o)}' in cluster ${o.cluster} is also defined in ${others}: the agent applies both and the last one wins, replacing the other (a namespace's default-deny, the gateway's configuration, …). Give it its own name.`, o.file);
      }
    }
  },
};

export const admissionPolicies: ManifestPolicy[] = [allowedKinds, declaredCrds, declaredNamespaces, uniqueIdentities];
