import type { FleetSpec } from "../fleet";
import * as names from "../fleet/names";
import { HEALTH_ANSWERS } from "../fleet/traffic";

/**
 * What each layer of the GitOps tree may hold: the kinds the fleet renders there, and
 * nothing else. One table drives three things, so they can never disagree:
 * - the manifest rules (policies/admission.ts) refuse any other kind in the tree;
 * - each Flux layer is applied by a service account whose RBAC is exactly these kinds
 *   (components/flux-lockdown.ts), so what slips past review is still refused by the API;
 * - each Argo CD layer's AppProject whitelists exactly these kinds (components/argocd-projects.ts).
 * Kinds declared by a CRD in the platform layer (the `replicated/` example
 * MaintenanceWindow) are allowed too (`declaredKinds`). A new layer is a new key here.
 */

export interface Identity {
  /** Absent: in any namespace the tree creates. */
  readonly namespace?: string;
  /** The object's name, or how the fleet names it in each cluster. */
  readonly name: string | ((cluster: string) => string);
}

export interface AllowedKind {
  readonly group: string;
  readonly kind: string;
  /** The plural resource name, for RBAC rules. */
  readonly resource: string;
  readonly namespaced: boolean;
  /**
   * The fleet's own objects of this kind that live outside the namespaces the tree creates
   * (`kube-public/fleet-info`), or, with `fixedOnly`, the only objects of this kind there may be.
   */
  readonly fixed?: readonly Identity[];
  /** Cluster-scoped power or a binding to program-owned AWS resources: only the fleet's own objects. @default false */
  readonly fixedOnly?: boolean;
}

const core = (kind: string, resource: string, namespaced = true, extra: Partial<AllowedKind> = {}): AllowedKind => ({ group: "", kind, resource, namespaced, ...extra });
const of = (group: string) => (kind: string, resource: string, namespaced = true, extra: Partial<AllowedKind> = {}): AllowedKind => ({ group, kind, resource, namespaced, ...extra });
const apps = of("apps");
const rbac = of("rbac.authorization.k8s.io");
const policy = of("policy");
const networking = of("networking.k8s.io");

/** The namespaced kinds every layer uses for a workload and what it needs in its namespace. */
const WORKLOAD_SUPPORT: readonly AllowedKind[] = [
  core("ConfigMap", "configmaps", true, { fixed: [{ namespace: "kube-public", name: "fleet-info" }] }),
  core("Service", "services"),
  core("ServiceAccount", "serviceaccounts"),
  policy("PodDisruptionBudget", "poddisruptionbudgets"),
  networking("NetworkPolicy", "networkpolicies"),
  rbac("Role", "roles"),
  rbac("RoleBinding", "rolebindings"),
];

export const LAYER_KINDS = {
  /** What charts/platform renders (and the CRDs replicated/platform declares). */
  platform: [
    core("Namespace", "namespaces", false),
    core("LimitRange", "limitranges"),
    core("ResourceQuota", "resourcequotas"),
    ...WORKLOAD_SUPPORT,
    apps("Deployment", "deployments"),
    rbac("ClusterRole", "clusterroles", false),
    rbac("ClusterRoleBinding", "clusterrolebindings", false),
    of("apiextensions.k8s.io")("CustomResourceDefinition", "customresourcedefinitions", false),
    of("storage.k8s.io")("StorageClass", "storageclasses", false, { fixed: [{ name: names.DEFAULT_STORAGE_CLASS }], fixedOnly: true }),
    of("external-secrets.io")("ExternalSecret", "externalsecrets"),
    of("external-secrets.io")("SecretStore", "secretstores", true, { fixed: [{ name: names.NAMESPACE_SECRET_STORE }], fixedOnly: true }),
    of("velero.io")("Schedule", "schedules", true, { fixed: [{ namespace: names.AGENTS.velero.namespace, name: names.backupScheduleName }], fixedOnly: true }),
    of("karpenter.sh")("NodePool", "nodepools", false, { fixed: [{ name: names.KARPENTER_OBJECTS.nodePool }], fixedOnly: true }),
    of("karpenter.k8s.aws")("EC2NodeClass", "ec2nodeclasses", false, { fixed: [{ name: names.KARPENTER_OBJECTS.nodeClass }], fixedOnly: true }),
    // The gateway's binding, and with Global Accelerator the serving one (charts/platform/ingress.ts GATEWAY_SERVICE, GATEWAY_SERVING_SERVICE).
    of("elbv2.k8s.aws")("TargetGroupBinding", "targetgroupbindings", true, { fixed: ["ingress-gateway", "ingress-gateway-serving"].map((name) => ({ namespace: names.GATEWAY_NAMESPACE, name })), fixedOnly: true }),
  ],
  /**
   * The failover switch alone (charts/platform/traffic.ts): the health-answers ConfigMap in the
   * gateway's namespace. Anything else here would ride on the switch's Kustomization, which
   * nothing waits for and whose account may write that one object only.
   */
  traffic: [
    core("ConfigMap", "configmaps", true, { fixed: [{ namespace: HEALTH_ANSWERS.namespace, name: HEALTH_ANSWERS.name }], fixedOnly: true }),
  ],
  /**
   * The workloads the standby logic holds at a standby's scale (charts/standby.ts; Argo
   * Rollouts and KEDA run only where you install them) and what they need in their namespace.
   */
  apps: [
    ...WORKLOAD_SUPPORT,
    apps("Deployment", "deployments"),
    apps("StatefulSet", "statefulsets"),
    apps("DaemonSet", "daemonsets"),
    apps("ReplicaSet", "replicasets"),
    core("ReplicationController", "replicationcontrollers"),
    of("batch")("Job", "jobs"),
    of("batch")("CronJob", "cronjobs"),
    of("autoscaling")("HorizontalPodAutoscaler", "horizontalpodautoscalers"),
    of("argoproj.io")("Rollout", "rollouts"),
    of("keda.sh")("ScaledObject", "scaledobjects"),
    of("keda.sh")("ScaledJob", "scaledjobs"),
    core("PersistentVolumeClaim", "persistentvolumeclaims"),
  ],
} as const satisfies Record<names.TreeLayer, readonly AllowedKind[]>;

export type LayerName = names.TreeLayer;
/** Every layer of the tree, each with its table (the type above refuses a layer without one). */
export const LAYER_NAMES: readonly LayerName[] = names.TREE_LAYERS;

const kindsIn = (layer: string): readonly AllowedKind[] | undefined => (LAYER_KINDS as Record<string, readonly AllowedKind[]>)[layer];

/** One object of a layer that holds the fleet's own objects and nothing else. */
export interface OwnObject {
  readonly group: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name: string;
}

/**
 * The objects of a layer that holds only the fleet's own, each named alike in every cluster
 * (every entry `fixedOnly` with fixed names): the traffic layer. Its agents' rights then go
 * by object rather than by kind, and it holds no kind a CRD declares. Undefined for a layer
 * that holds the user's objects too.
 */
export function ownObjectsOf(layer: string): OwnObject[] | undefined {
  const kinds = kindsIn(layer);
  if (!kinds || !kinds.every((k) => k.fixedOnly && (k.fixed ?? []).every((i) => typeof i.name === "string"))) return undefined;
  return kinds.flatMap((k) => k.fixed!.map((i) => ({ group: k.group, kind: k.kind, resource: k.resource, namespace: i.namespace, name: i.name as string })));
}

/**
 * Whether a layer may hold a kind a CRD of the platform layer declares: a namespaced one in
 * the layers of the user's objects (platform, apps), a cluster-scoped one in the platform only.
 */
export const holdsDeclaredKind = (layer: string, declared: { readonly namespaced: boolean }): boolean =>
  kindsIn(layer) !== undefined && (declared.namespaced ? ownObjectsOf(layer) === undefined : layer === "platform");

/**
 * The namespaces a layer writes in: those of its objects for a layer of the fleet's own;
 * otherwise the namespaces the fleet creates (`fleet.namespaces` and the gateway's) and, for
 * the platform, those of its fixed objects outside them (`kube-public/fleet-info`, Velero's
 * Schedule). Flux binds a layer's role there (the platform's cluster-wide); Argo CD's
 * AppProjects list them as destinations.
 */
export function layerNamespaces(fleet: FleetSpec, layer: LayerName): string[] {
  const own = ownObjectsOf(layer);
  const fixed = layer === "platform" ? LAYER_KINDS.platform.flatMap((k: AllowedKind) => (k.fixed ?? []).map((i) => i.namespace)) : [];
  const namespaces = own ? own.map((o) => o.namespace) : [...fleet.namespaces.map((ns) => ns.name), names.GATEWAY_NAMESPACE, ...fixed];
  return [...new Set(namespaces.filter((ns): ns is string => ns !== undefined))].sort();
}

/**
 * API groups a CRD in the tree may not define: Kubernetes' own (no dot, `*.k8s.io`,
 * `*.kubernetes.io`), AWS's (`*.amazonaws.com`, `*.k8s.aws`: EKS, the Load Balancer
 * Controller, the VPC CNI's network policies) and those of the agents and add-ons the
 * program installs. Redefining one replaces the installed CRD (its schema, its served
 * versions) under the controller that trusts it.
 */
export const RESERVED_API_GROUPS: readonly string[] = [
  "k8s.io", "kubernetes.io", "x-k8s.io", "amazonaws.com", "k8s.aws",
  "fluxcd.io", "argoproj.io", "external-secrets.io", "velero.io", "karpenter.sh",
];

export const isReservedGroup = (group: string): boolean =>
  !group.includes(".") || RESERVED_API_GROUPS.some((reserved) => group === reserved || group.endsWith(`.${reserved}`));

/**
 * Service accounts no workload in the tree may run as: the agents' and add-ons' (their
 * controllers, which several charts bind to cluster-admin), the Flux layer accounts, and
 * the per-namespace secrets reader whose IAM role reads that namespace's secrets.
 */
export const PROTECTED_SERVICE_ACCOUNTS: readonly string[] = [
  ...new Set([
    ...Object.values(names.AGENTS).map((agent) => agent.serviceAccount),
    // The flux2 chart's controllers (fluxcd-community/helm-charts charts/flux2/templates/*-sa.yaml).
    "source-controller", "kustomize-controller", "helm-controller", "notification-controller",
    // The argo-cd chart's components.
    "argocd-server", "argocd-application-controller", "argocd-applicationset-controller", "argocd-repo-server",
    ...LAYER_NAMES.map(names.fluxLayerServiceAccount),
    names.SECRETS_READER_SERVICE_ACCOUNT,
  ]),
].sort();

/**
 * Whether the tree may create (and so guard and fill) a namespace: any but Kubernetes', the
 * agents' and the add-ons' (fleet/names.ts RESERVED_NAMESPACES), except the gateway's, which
 * is reserved for the fleet itself and rendered by it.
 */
export const treeMayCreateNamespace = (name: string): boolean => !names.isReservedNamespace(name) || name === names.GATEWAY_NAMESPACE;

/** `apps/v1` → `apps`, `v1` → `` (the core group). */
export const groupOf = (apiVersion: unknown): string => {
  const text = String(apiVersion ?? "");
  return text.includes("/") ? text.slice(0, text.lastIndexOf("/")) : "";
};

/** The table entry of a kind in a layer, if the layer allows it. */
export function allowedKind(layer: string, group: string, kind: string): AllowedKind | undefined {
  return kindsIn(layer)?.find((k) => k.group === group && k.kind === kind);
}

/** A kind a CRD of the platform layer declares. */
export interface DeclaredKind {
  readonly group: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespaced: boolean;
  /** The CRD's name (`<plural>.<group>`). */
  readonly crd: string;
}

/** Why a CRD may not be applied, or undefined: a reserved group, or a conversion webhook (the API server calls out with every object). */
export function crdProblem(crd: Record<string, any>): string | undefined {
  const group = String(crd.spec?.group ?? "");
  if (isReservedGroup(group)) return `defines the API group '${group}', which belongs to Kubernetes, AWS or an agent the fleet installs (${RESERVED_API_GROUPS.join(", ")}, or a group without a dot): it would replace the installed definition`;
  if (crd.spec?.conversion?.strategy === "Webhook") return "converts its objects through a webhook, so the API server would send every one of them to that endpoint";
  return undefined;
}

/** The kinds the CRDs among `objects` declare, skipping CRDs that `crdProblem` refuses. */
export function declaredKinds(objects: readonly Record<string, any>[]): DeclaredKind[] {
  return objects
    .filter((o) => groupOf(o.apiVersion) === "apiextensions.k8s.io" && o.kind === "CustomResourceDefinition" && crdProblem(o) === undefined)
    .filter((o) => typeof o.spec?.names?.kind === "string" && typeof o.spec?.names?.plural === "string")
    .map((o) => ({ group: String(o.spec.group), kind: o.spec.names.kind, resource: o.spec.names.plural, namespaced: o.spec.scope !== "Cluster", crd: String(o.metadata?.name ?? "") }));
}
