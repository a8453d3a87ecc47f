import * as names from "../fleet/names";
import { DeclaredKind, holdsDeclaredKind, LAYER_KINDS, LAYER_NAMES, LayerName, ownObjectsOf } from "../policies/allow-list";

/**
 * What each layer's agent may do, generated from the allow-list (policies/allow-list.ts):
 * the same kinds the manifest rules admit, so what slips past review is refused by the API
 * server too. Flux gets RBAC rules (components/flux-lockdown.ts), Argo CD project whitelists
 * (components/argocd-projects.ts).
 */

export interface LayerKind {
  readonly group: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

/** The kinds of a layer: its allow-list, and those `replicated/` CRDs declare where the layer may hold them (policies/allow-list.ts holdsDeclaredKind). */
export function layerKinds(layer: LayerName, declared: readonly DeclaredKind[]): LayerKind[] {
  return [...LAYER_KINDS[layer], ...declared.filter((d) => holdsDeclaredKind(layer, d))];
}

/** Apply (server-side, with dry-run), health-check and prune. */
const APPLY_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"];

/** RBAC rules that let an account apply exactly these kinds, one rule per API group. */
export function applyRules(kinds: readonly LayerKind[]): PolicyRule[] {
  const byGroup = new Map<string, Set<string>>();
  for (const k of kinds) byGroup.set(k.group, (byGroup.get(k.group) ?? new Set()).add(k.resource));
  return [...byGroup.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, resources]) => ({ apiGroups: [group], resources: [...resources].sort(), verbs: [...APPLY_VERBS] }));
}

/**
 * What applying, and pruning, one named object takes from Flux: kustomize-controller reads it,
 * dry-runs and applies it server-side and prunes it by name (fluxcd/pkg ssa/manager_apply.go:
 * Get, Patch with Apply, Delete; its impersonating client is uncached, runtime/client/impersonator.go),
 * and the API server authorizes the create an apply makes with the object's name
 * (kubernetes apiserver endpoints/handlers/patch.go, createAuthorizerAttributes), so a rule
 * limited by `resourceNames` holds for each of them. Not `list` or `watch`: health checks
 * (`wait`, `healthChecks`) would list each kind through kstatus's poller, so a layer with
 * rights by name never waits for health.
 */
const NAMED_OBJECT_VERBS = ["create", "delete", "get", "patch"];

/**
 * The rules a layer's account applies with: by name for a layer of the fleet's own objects
 * (the traffic layer may write the health-answers ConfigMap and nothing else), by kind for
 * the others (their own kinds and the kinds `replicated/` declares), plus the platform's
 * delegation.
 */
export function layerRules(layer: LayerName, declared: readonly DeclaredKind[]): PolicyRule[] {
  const own = ownObjectsOf(layer);
  if (!own) return [...applyRules(layerKinds(layer, declared)), ...(layer === "platform" ? platformDelegation() : [])];
  const byResource = new Map<string, { group: string; resource: string; names: Set<string> }>();
  for (const o of own) {
    const key = `${o.group}/${o.resource}`;
    if (!byResource.has(key)) byResource.set(key, { group: o.group, resource: o.resource, names: new Set() });
    byResource.get(key)!.names.add(o.name);
  }
  return [...byResource.keys()].sort().map((key) => {
    const { group, resource, names: objectNames } = byResource.get(key)!;
    return { apiGroups: [group], resources: [resource], verbs: [...NAMED_OBJECT_VERBS], resourceNames: [...objectNames].sort() };
  });
}

const RBAC_GROUP = "rbac.authorization.k8s.io";

/**
 * What the platform layer's account may grant beyond what it holds itself, by name only
 * (Kubernetes RBAC: "Restrictions on role creation or update" and "…binding creation", the
 * `escalate` and `bind` verbs with resourceNames): bind the built-in `admin` in a namespace
 * (fleet.namespaces[].admins), the fleet viewer role and the other layers' roles, and create
 * the fleet viewer role and the secrets readers' token Role, whose rights it does not hold.
 * Any other role or binding in the tree can only grant what the account holds.
 */
export function platformDelegation(): PolicyRule[] {
  const otherLayers = LAYER_NAMES.filter((l) => l !== "platform").map(names.layerRoleName);
  return [
    { apiGroups: [RBAC_GROUP], resources: ["clusterroles"], verbs: ["bind"], resourceNames: ["admin", names.FLEET_VIEWER_ROLE, ...otherLayers] },
    { apiGroups: [RBAC_GROUP], resources: ["clusterroles"], verbs: ["escalate"], resourceNames: [names.FLEET_VIEWER_ROLE] },
    { apiGroups: [RBAC_GROUP], resources: ["roles"], verbs: ["bind", "escalate"], resourceNames: [names.SECRETS_TOKEN_ROLE] },
  ];
}
