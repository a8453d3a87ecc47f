import * as names from "../fleet/names";
import { LAYER_NAMES, ownObjectsOf } from "./allow-list";
import { kindOf, ManifestObject, ManifestPolicy, ManifestTree, nameOf } from "./manifests";

/**
 * RBAC rules over what the tree applies. The verbs, subjects and aggregation labels are
 * those of the Kubernetes RBAC documentation ("Using RBAC Authorization": privilege
 * escalation prevention, default roles, aggregated ClusterRoles).
 */

const ROLE_KINDS = ["Role", "ClusterRole"];
const BINDING_KINDS = ["RoleBinding", "ClusterRoleBinding"];
/** Verbs that grant more than the caller holds: change any role, bind any role, act as anyone. */
const ESCALATING_VERBS = ["escalate", "bind", "impersonate"];
/**
 * Users and groups Kubernetes defines (`system:*`): everyone (`system:authenticated`,
 * `system:serviceaccounts[:ns]`), every node (`system:nodes`), its own components. A service
 * account is named as kind ServiceAccount.
 */
const isSystemSubject = (subject: { kind?: string; name?: string }) => (subject.kind === "Group" || subject.kind === "User") && String(subject.name ?? "").startsWith("system:");
const AGGREGATE_LABEL_PREFIX = "rbac.authorization.k8s.io/aggregate-to-";
/** Built-in roles a ClusterRoleBinding may not grant: each spans every namespace's Secrets and workloads. */
const CLUSTER_WIDE_FORBIDDEN = ["cluster-admin", "admin", "edit"];
/** Roles the API server creates and reconciles; a rendered object with one of these names replaces Kubernetes' own. */
const isBuiltInRole = (name: string) => ["cluster-admin", "admin", "edit", "view"].includes(name) || name.startsWith("system:");

interface Rule {
  readonly apiGroups?: string[];
  readonly resources?: string[];
  readonly verbs?: string[];
  readonly nonResourceURLs?: string[];
}

const rulesOf = (o: ManifestObject): Rule[] => (Array.isArray(o.object.rules) ? o.object.rules : []);
const roles = (tree: ManifestTree) => tree.objects.filter((o) => ROLE_KINDS.includes(kindOf(o)));
const bindings = (tree: ManifestTree) => tree.objects.filter((o) => BINDING_KINDS.includes(kindOf(o)));
const label = (o: ManifestObject) => `${kindOf(o)} '${nameOf(o)}'`;

export const noWildcards: ManifestPolicy = {
  name: "rbac-no-wildcard",
  description: "Checks whether no Role or ClusterRole grants '*' verbs, resources, API groups or non-resource URLs (only Kubernetes' built-in roles do).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of roles(tree)) {
      rulesOf(o).forEach((rule, i) => {
        const fields = (["verbs", "resources", "apiGroups", "nonResourceURLs"] as const).filter((f) => (rule[f] ?? []).some((v) => String(v).includes("*")));
        if (fields.length === 0) return;
        reportViolation(
          `${label(o)} rule ${i + 1} grants a wildcard in ${fields.join(", ")}, which also grants everything added later (Secrets, RBAC, impersonation). List the verbs, resources and API groups it needs.`,
          o.file,
        );
      });
    }
  },
};

export const noEscalatingVerbs: ManifestPolicy = {
  name: "rbac-no-escalation",
  description: "Checks whether no Role or ClusterRole grants escalate, bind or impersonate, which lift the holder above its own permissions.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of roles(tree)) {
      rulesOf(o).forEach((rule, i) => {
        const found = ESCALATING_VERBS.filter((v) => (rule.verbs ?? []).includes(v));
        if (found.length === 0) return;
        reportViolation(
          `${label(o)} rule ${i + 1} grants ${found.join(", ")}: its holder can grant itself any permission or act as any user. Remove the verb; cluster-wide administration goes through EKS access entries (fleet.clusterAdmins).`,
          o.file,
        );
      });
    }
  },
};

export const builtInRolesUntouched: ManifestPolicy = {
  name: "rbac-builtin-roles-untouched",
  description: "Checks whether the tree never redefines a built-in ClusterRole or ClusterRoleBinding (cluster-admin, admin, edit, view, system:*).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of tree.objects.filter((x) => ["ClusterRole", "ClusterRoleBinding"].includes(kindOf(x)) && isBuiltInRole(nameOf(x)))) {
      reportViolation(`${label(o)} replaces the role Kubernetes itself defines under that name. Give the fleet's own object its own name.`, o.file);
    }
  },
};

export const clusterAdminUndeclared: ManifestPolicy = {
  name: "rbac-no-cluster-admin-binding",
  description: "Checks whether nothing the tree applies binds cluster-admin: the fleet model grants it only through EKS access entries (fleet.clusterAdmins).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of bindings(tree).filter((x) => x.object.roleRef?.kind === "ClusterRole" && x.object.roleRef?.name === "cluster-admin")) {
      const subjects = ((o.object.subjects ?? []) as { kind?: string; name?: string }[]).map((s) => `${s.kind} ${s.name}`).join(", ") || "no subject";
      reportViolation(
        `${label(o)} binds cluster-admin to ${subjects}, which the fleet model does not declare. Grant cluster-wide administration with fleet.clusterAdmins (EKS access entries), or bind a narrower role (admin, edit, view, or a custom Role).`,
        o.file,
      );
    }
  },
};

export const noBroadSubjects: ManifestPolicy = {
  name: "rbac-no-broad-subject",
  description: "Checks whether no binding grants a role to a user or group Kubernetes defines (system:*): everyone (system:authenticated, system:unauthenticated, system:anonymous), all service accounts (system:serviceaccounts[:namespace]), every node (system:nodes), its own components.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of bindings(tree)) {
      for (const subject of (o.object.subjects ?? []) as { kind?: string; name?: string }[]) {
        if (!isSystemSubject(subject)) continue;
        reportViolation(
          `${label(o)} binds ${o.object.roleRef?.name} to ${subject.kind} ${subject.name}, which Kubernetes defines (every caller, workload or node belongs to such groups). Bind it to named groups or service accounts.`,
          o.file,
        );
      }
    }
  },
};

export const noBuiltInClusterBinding: ManifestPolicy = {
  name: "rbac-no-builtin-cluster-binding",
  description: "Checks whether no ClusterRoleBinding grants a built-in role meant for one namespace or for Kubernetes itself (admin, edit, cluster-admin, system:*) across the cluster.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of bindings(tree).filter((x) => kindOf(x) === "ClusterRoleBinding" && x.object.roleRef?.kind === "ClusterRole")) {
      const role = String(o.object.roleRef?.name ?? "");
      if (!CLUSTER_WIDE_FORBIDDEN.includes(role) && !role.startsWith("system:")) continue;
      reportViolation(
        `${label(o)} grants the built-in ClusterRole '${role}' in every namespace, agents' and add-ons' included (Secrets, workloads, RBAC). Bind admin or edit with a RoleBinding in the namespace (fleet.namespaces[].admins), or a role of the fleet's own.`,
        o.file,
      );
    }
  },
};

/**
 * What no role of the tree may grant: reading Secrets, running commands in pods and
 * through the kubelet, minting tokens, approving certificates, relabeling namespaces (which
 * lifts Pod Security), and creating what gives cluster-wide power. Kubernetes RBAC docs
 * ("Privilege escalation prevention", "Restrictions on ... token requests", CSR approval).
 */
interface SensitiveGrant {
  readonly group: string;
  readonly resource: string;
  /** Any verb when absent. */
  readonly verbs?: readonly string[];
  readonly why: string;
  /** Also refused in a namespaced Role (else only in a ClusterRole, where it spans every namespace). */
  readonly inRoles?: boolean;
}

const WRITE = ["create", "update", "patch", "delete", "deletecollection"];
const SENSITIVE: readonly SensitiveGrant[] = [
  { group: "", resource: "secrets", why: "reads or writes every Secret" },
  { group: "", resource: "pods/exec", why: "runs commands in any pod" },
  { group: "", resource: "pods/attach", why: "attaches to any pod" },
  { group: "", resource: "pods/ephemeralcontainers", why: "adds containers to running pods" },
  { group: "", resource: "nodes/proxy", why: "reaches the kubelet API (exec in every pod of a node)", inRoles: true },
  { group: "", resource: "serviceaccounts/token", why: "mints tokens for service accounts (their rights and IAM roles)", inRoles: true },
  { group: "certificates.k8s.io", resource: "certificatesigningrequests/approval", verbs: WRITE, why: "approves certificates for any identity", inRoles: true },
  { group: "certificates.k8s.io", resource: "signers", verbs: ["approve", "sign"], why: "approves or signs certificates", inRoles: true },
  { group: "", resource: "namespaces", verbs: WRITE, why: "creates or relabels namespaces, lifting their Pod Security", inRoles: true },
  { group: "", resource: "persistentvolumes", verbs: WRITE, why: "creates volumes (hostPath) that any pod can mount", inRoles: true },
  { group: "admissionregistration.k8s.io", resource: "mutatingwebhookconfigurations", verbs: WRITE, why: "intercepts every request", inRoles: true },
  { group: "admissionregistration.k8s.io", resource: "validatingwebhookconfigurations", verbs: WRITE, why: "intercepts every request", inRoles: true },
  { group: "apiregistration.k8s.io", resource: "apiservices", verbs: WRITE, why: "serves API groups from anywhere", inRoles: true },
  { group: "apiextensions.k8s.io", resource: "customresourcedefinitions", verbs: WRITE, why: "replaces the agents' CRDs", inRoles: true },
];

// Whether a rule's resource list covers `resource`: by name, `*`, or a subresource wildcard (`pods/*`, `*/exec`).
function coversResource(resources: readonly string[], resource: string): boolean {
  const [base, sub] = resource.split("/");
  return resources.some((r) => r === resource || r === "*" || (sub !== undefined && (r === `${base}/*` || r === `*/${sub}`)));
}

function sensitiveGrants(o: ManifestObject): { rule: number; grant: SensitiveGrant; verbs: string[] }[] {
  const clusterRole = kindOf(o) === "ClusterRole";
  return rulesOf(o).flatMap((rule, i) =>
    SENSITIVE.filter((grant) => (clusterRole || grant.inRoles) && !tokenOfSecretsReader(o, rule, grant))
      .filter((grant) => (rule.apiGroups ?? []).some((g) => g === grant.group || g === "*"))
      .filter((grant) => coversResource(rule.resources ?? [], grant.resource))
      .map((grant) => ({ rule: i + 1, grant, verbs: (rule.verbs ?? []).filter((v) => v === "*" || grant.verbs === undefined || grant.verbs.includes(v)) }))
      .filter(({ verbs }) => verbs.length > 0),
  );
}

/**
 * The fleet's own grant: a Role that lets External Secrets mint tokens for the namespace's
 * secrets reader only (resourceNames), bound to nothing but the External Secrets controller.
 */
function tokenOfSecretsReader(o: ManifestObject, rule: Rule & { resourceNames?: string[] }, grant: SensitiveGrant): boolean {
  return kindOf(o) === "Role" && grant.resource === "serviceaccounts/token" && (rule.resourceNames ?? []).length > 0 && rule.resourceNames!.every((n) => n === names.SECRETS_READER_SERVICE_ACCOUNT);
}

export const noSensitiveGrant: ManifestPolicy = {
  name: "rbac-no-sensitive-grant",
  description: "Checks whether no ClusterRole grants Secrets, pods/exec, pods/attach, pods/ephemeralcontainers, and no role grants nodes/proxy, serviceaccounts/token, CSR approval, namespace, PersistentVolume, webhook, APIService or CRD writes; the secrets reader's token goes to External Secrets only.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of roles(tree)) {
      for (const { rule, grant, verbs } of sensitiveGrants(o)) {
        reportViolation(
          `${label(o)} rule ${rule} grants ${verbs.join(", ")} on ${grant.group ? `${grant.group}/` : ""}${grant.resource}, which ${grant.why}. The fleet's agents hold these rights through their installers; remove the rule.`,
          o.file,
        );
      }
    }
    // Who may use the secrets reader's token grant: only the External Secrets controller.
    const eso = names.AGENTS.externalSecrets;
    for (const o of bindings(tree).filter((x) => kindOf(x) === "RoleBinding" && x.object.roleRef?.kind === "Role")) {
      const role = tree.objects.find((r) => r.cluster === o.cluster && kindOf(r) === "Role" && nameOf(r) === o.object.roleRef?.name && r.object.metadata?.namespace === o.object.metadata?.namespace);
      if (!role || !rulesOf(role).some((rule) => coversResource(rule.resources ?? [], "serviceaccounts/token"))) continue;
      const others = ((o.object.subjects ?? []) as { kind?: string; name?: string; namespace?: string }[]).filter((s) => !(s.kind === "ServiceAccount" && s.name === eso.serviceAccount && s.namespace === eso.namespace));
      if (others.length === 0) continue;
      reportViolation(
        `${label(o)} gives Role '${nameOf(role)}' (tokens of the secrets reader) to ${others.map((s) => `${s.kind} ${s.name}`).join(", ")}: whoever holds it reads the namespace's secrets through its IAM role. Only ServiceAccount ${eso.namespace}/${eso.serviceAccount} may hold it.`,
        o.file,
      );
    }
  },
};

/** The bindings the fleet renders to another namespace's account: a layer's role to its Flux account, the token Role to External Secrets. */
function fleetBinding(roleRef: { kind?: string; name?: string }, subject: { kind?: string; name?: string; namespace?: string }): boolean {
  const layer = LAYER_NAMES.find((l) => roleRef.kind === "ClusterRole" && roleRef.name === names.layerRoleName(l));
  if (layer) return subject.namespace === names.AGENTS.flux.namespace && subject.name === names.fluxLayerServiceAccount(layer);
  const eso = names.AGENTS.externalSecrets;
  return roleRef.kind === "Role" && roleRef.name === names.SECRETS_TOKEN_ROLE && subject.namespace === eso.namespace && subject.name === eso.serviceAccount;
}

/**
 * Why a binding of a layer's role to its own Flux account is out of place, or undefined: the
 * tree binds a layer's role with RoleBindings only (the platform's is bound across the cluster
 * by the program), and a layer of the fleet's own objects only in their namespaces, so a
 * ClusterRoleBinding cannot hand the apps layer every namespace, nor a RoleBinding hand the
 * traffic layer another namespace's objects of the same name.
 */
function misplacedLayerBinding(o: ManifestObject, layer: string): string | undefined {
  if (kindOf(o) === "ClusterRoleBinding") return "in every namespace; the tree binds a layer's role with a RoleBinding in each namespace the layer writes in";
  const where = [...new Set((ownObjectsOf(layer) ?? []).map((x) => x.namespace))];
  const namespace = o.object.metadata?.namespace;
  if (where.length > 0 && !where.includes(namespace)) return `in '${namespace}', where the ${layer} layer holds nothing (its objects live in ${where.join(", ")})`;
  return undefined;
}

export const noForeignSubject: ManifestPolicy = {
  name: "rbac-no-foreign-subject",
  description: "Checks whether bindings grant to service accounts of their own namespace only (a ClusterRoleBinding to none), and a GitOps layer's role goes to that layer's account only, in the namespaces the layer writes in, except the fleet's own bindings (a layer's role to its Flux account, the secrets readers' token Role to External Secrets).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of bindings(tree)) {
      const roleRef = (o.object.roleRef ?? {}) as { kind?: string; name?: string };
      const namespace = o.object.metadata?.namespace;
      const layer = LAYER_NAMES.find((l) => roleRef.kind === "ClusterRole" && roleRef.name === names.layerRoleName(l));
      const layerRole = layer !== undefined;
      const misplaced = layer && misplacedLayerBinding(o, layer);
      if (misplaced) reportViolation(`${label(o)} gives ${roleRef.name}, the rights the ${layer} layer applies with, ${misplaced}.`, o.file);
      for (const subject of (o.object.subjects ?? []) as { kind?: string; name?: string; namespace?: string }[]) {
        if (fleetBinding(roleRef, subject)) continue;
        const foreign = subject.kind === "ServiceAccount" && (kindOf(o) === "ClusterRoleBinding" || (subject.namespace ?? namespace) !== namespace);
        if (!foreign && !layerRole) continue;
        reportViolation(
          layerRole
            ? `${label(o)} gives ${roleRef.name}, the rights a GitOps layer applies with, to ${subject.kind} ${subject.namespace ? `${subject.namespace}/` : ""}${subject.name}. Only that layer's Flux account holds it.`
            : `${label(o)} grants ${roleRef.name} to ServiceAccount ${subject.namespace ?? namespace}/${subject.name}${kindOf(o) === "ClusterRoleBinding" ? " in every namespace" : `, of another namespace than ${namespace}`}: every pod running as it gains the role. Bind a service account of the same namespace with a RoleBinding.`,
          o.file,
        );
      }
    }
  },
};

export const noAggregation: ManifestPolicy = {
  name: "rbac-no-aggregation",
  description: "Checks whether no ClusterRole is aggregated into other roles (rbac.authorization.k8s.io/aggregate-to-* labels) or collects roles with an aggregationRule (by matchLabels or matchExpressions).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of tree.objects.filter((x) => kindOf(x) === "ClusterRole")) {
      const into = Object.keys(o.object.metadata?.labels ?? {}).filter((l) => l.startsWith(AGGREGATE_LABEL_PREFIX));
      if (into.length > 0) {
        reportViolation(
          `${label(o)} carries ${into.join(", ")}: the aggregation controller adds its rules to the built-in role, so every holder of it in every namespace gains them. Bind the role where it is needed instead.`,
          o.file,
        );
      }
      if ((o.object.aggregationRule?.clusterRoleSelectors ?? []).length > 0) {
        reportViolation(
          `${label(o)} has an aggregationRule: its rules become those of every ClusterRole its selectors match (the built-in admin's pieces with an Exists on aggregate-to-admin, say), now and later. List the rules it needs.`,
          o.file,
        );
      }
    }
  },
};

export const rbacPolicies: ManifestPolicy[] = [noWildcards, noEscalatingVerbs, builtInRolesUntouched, clusterAdminUndeclared, noBuiltInClusterBinding, noBroadSubjects, noForeignSubject, noSensitiveGrant, noAggregation];
