import * as names from "../fleet/names";
import { DeclaredKind, LAYER_KINDS, LAYER_NAMES, LayerName } from "../policies/allow-list";

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

/** The kinds of a layer: its allow-list, and the kinds `replicated/` CRDs declare (cluster-scoped ones in the platform layer only). */
export function layerKinds(layer: LayerName, declared: readonly DeclaredKind[]): LayerKind[] {
  return [...LAYER_KINDS[layer], ...declared.filter((d) => d.namespaced || layer === "platform")];
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
