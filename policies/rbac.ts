import { kindOf, ManifestObject, ManifestPolicy, ManifestTree, nameOf } from "./manifests";

/**
 * RBAC rules over what the tree applies. The verbs, subjects and aggregation labels are
 * those of the Kubernetes RBAC documentation ("Using RBAC Authorization": privilege
 * escalation prevention, default roles, aggregated ClusterRoles).
 */

const ROLE_KINDS = ["Role", "ClusterRole"];
const BINDING_KINDS = ["RoleBinding", "ClusterRoleBinding"];
const RBAC_GROUP = "rbac.authorization.k8s.io";
const RBAC_RESOURCES = ["roles", "clusterroles", "rolebindings", "clusterrolebindings"];
/** Verbs that grant more than the caller holds: change any role, bind any role, act as anyone. */
const ESCALATING_VERBS = ["escalate", "bind", "impersonate"];
const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection", ...ESCALATING_VERBS, "*"];
/** Subjects everyone (or every workload) belongs to. */
const EVERYONE = ["system:anonymous", "system:unauthenticated", "system:authenticated", "system:serviceaccounts"];
const AGGREGATE_LABELS = ["admin", "edit", "view"].map((role) => `rbac.authorization.k8s.io/aggregate-to-${role}`);
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

/** Whether a rule lets its holder write Secrets or RBAC objects. */
function writesSecretsOrRbac(rule: Rule): boolean {
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  if (!(rule.verbs ?? []).some((v) => WRITE_VERBS.includes(v))) return false;
  const secrets = (groups.includes("") || groups.includes("*")) && (resources.includes("secrets") || resources.includes("*"));
  const rbac = (groups.includes(RBAC_GROUP) || groups.includes("*")) && (resources.includes("*") || resources.some((r) => RBAC_RESOURCES.includes(r)));
  return secrets || rbac;
}

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
  description: "Checks whether no binding grants a role to everyone: system:anonymous, system:unauthenticated, system:authenticated, or all service accounts (system:serviceaccounts[:namespace]).",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    for (const o of bindings(tree)) {
      for (const subject of (o.object.subjects ?? []) as { kind?: string; name?: string }[]) {
        const name = String(subject.name ?? "");
        if (!EVERYONE.some((g) => name === g || (g === "system:serviceaccounts" && name.startsWith(`${g}:`)))) continue;
        reportViolation(
          `${label(o)} binds ${o.object.roleRef?.name} to ${subject.kind} ${name}, which every caller or workload belongs to. Bind it to named groups or service accounts.`,
          o.file,
        );
      }
    }
  },
};

/** Whether `selector` (a LabelSelector with matchLabels only or matchExpressions In/Exists) selects `labels`. */
function selects(selector: Record<string, any>, labels: Record<string, string>): boolean {
  const matchLabels = Object.entries((selector.matchLabels ?? {}) as Record<string, string>).every(([k, v]) => labels[k] === v);
  const matchExpressions = ((selector.matchExpressions ?? []) as { key: string; operator: string; values?: string[] }[]).every((e) =>
    e.operator === "In" ? (e.values ?? []).includes(labels[e.key]) : e.operator === "Exists" ? e.key in labels : e.operator === "DoesNotExist" ? !(e.key in labels) : !(e.values ?? []).includes(labels[e.key]),
  );
  return matchLabels && matchExpressions;
}

export const noSensitiveAggregation: ManifestPolicy = {
  name: "rbac-no-sensitive-aggregation",
  description: "Checks whether no ClusterRole aggregates write access on Secrets or RBAC into admin, edit or view (aggregate-to-* labels), or collects such rules with an aggregationRule.",
  enforcementLevel: "mandatory",
  validateTree: (tree, reportViolation) => {
    const clusterRoles = tree.objects.filter((o) => kindOf(o) === "ClusterRole");
    for (const o of clusterRoles) {
      const labels = (o.object.metadata?.labels ?? {}) as Record<string, string>;
      const into = AGGREGATE_LABELS.filter((l) => labels[l] === "true");
      if (into.length > 0 && rulesOf(o).some(writesSecretsOrRbac)) {
        reportViolation(
          `${label(o)} is aggregated into ${into.map((l) => l.split("-to-")[1]).join(", ")} and grants write on Secrets or RBAC, so every holder of those roles gains it. Drop the write rule or the aggregate-to label.`,
          o.file,
        );
      }
      const selectors = (o.object.aggregationRule?.clusterRoleSelectors ?? []) as Record<string, any>[];
      if (selectors.length === 0) continue;
      // The built-in admin and edit roles write Secrets; selecting their aggregation labels inherits that.
      const builtIn = selectors.some((s) => ["admin", "edit"].some((r) => s.matchLabels?.[`rbac.authorization.k8s.io/aggregate-to-${r}`] === "true"));
      const collected = clusterRoles.filter((r) => r !== o && r.cluster === o.cluster && selectors.some((s) => selects(s, r.object.metadata?.labels ?? {})));
      if (builtIn || collected.some((r) => rulesOf(r).some(writesSecretsOrRbac))) {
        reportViolation(`${label(o)} aggregates ClusterRoles that write Secrets or RBAC, so its holders gain that write. Aggregate only roles without it, or list the rules it needs.`, o.file);
      }
    }
  },
};

export const rbacPolicies: ManifestPolicy[] = [noWildcards, noEscalatingVerbs, builtInRolesUntouched, clusterAdminUndeclared, noBroadSubjects, noSensitiveAggregation];
