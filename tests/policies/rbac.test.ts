import * as YAML from "yaml";
import { evaluateTree } from "../../policies/evaluate";
import { ManifestPolicy } from "../../policies/manifests";
import { builtInRolesUntouched, clusterAdminUndeclared, noBroadSubjects, noEscalatingVerbs, noSensitiveAggregation, noWildcards, rbacPolicies } from "../../policies/rbac";
import { loadTree } from "../../policies/tree";
import { goodTree, writeTree } from "./tree-fixture";

type Files = Record<string, any>;
const run = (policy: ManifestPolicy, files: Files) => evaluateTree(loadTree(writeTree(files)), [policy]).map((v) => ({ file: v.file, message: v.message }));

const P = "clusters/use1/platform";
const RBAC = "rbac.authorization.k8s.io";
const role = (rules: object[], extra: object = {}) => ({ apiVersion: `${RBAC}/v1`, kind: "ClusterRole", metadata: { name: "ops", ...extra }, rules });
const binding = (roleName: string, subject: object) => ({
  apiVersion: `${RBAC}/v1`, kind: "ClusterRoleBinding", metadata: { name: "ops" }, roleRef: { apiGroup: RBAC, kind: "ClusterRole", name: roleName }, subjects: [subject],
});
/** The same object as its own file, inside a List in a JSON file, and as the second document of a file. */
const wrapped = (object: object): [string, Files][] => [
  ["own file", { [`${P}/evil.yaml`]: object }],
  ["List in .json", { [`${P}/evil.json`]: JSON.stringify({ apiVersion: "v1", kind: "List", items: [object] }) }],
  ["second document", { [`${P}/configmap-x.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: payments}\n---\n${YAML.stringify(object)}` }],
];
const fileOf = (files: Files) => Object.keys(files)[0];

describe("RBAC rules", () => {
  it("pass the compliant tree (a namespaced admin binding to a named group, a read-only ClusterRole)", () => {
    expect(evaluateTree(loadTree(writeTree(goodTree())), rbacPolicies)).toEqual([]);
  });

  describe.each(wrapped(role([{ apiGroups: ["*"], resources: ["*"], verbs: ["get"] }])))("rbac-no-wildcard: %s", (_, extra) => {
    it("reports the rule and fields", () => {
      expect(run(noWildcards, { ...goodTree(), ...extra })).toEqual([{
        file: fileOf(extra),
        message: "ClusterRole 'ops' rule 1 grants a wildcard in resources, apiGroups, which also grants everything added later (Secrets, RBAC, impersonation). List the verbs, resources and API groups it needs.",
      }]);
    });
  });

  describe.each(wrapped(role([{ apiGroups: [""], resources: ["users", "groups"], verbs: ["impersonate"] }])))("rbac-no-escalation: %s", (_, extra) => {
    it("reports the verb", () => {
      expect(run(noEscalatingVerbs, { ...goodTree(), ...extra })).toEqual([{
        file: fileOf(extra),
        message: "ClusterRole 'ops' rule 1 grants impersonate: its holder can grant itself any permission or act as any user. Remove the verb; cluster-wide administration goes through EKS access entries (fleet.clusterAdmins).",
      }]);
    });
  });

  it("rbac-no-escalation: escalate and bind too", () => {
    expect(run(noEscalatingVerbs, { ...goodTree(), [`${P}/r.yaml`]: role([{ apiGroups: [RBAC], resources: ["clusterroles"], verbs: ["escalate", "bind"] }]) })[0].message).toMatch(/^ClusterRole 'ops' rule 1 grants escalate, bind:/);
  });

  describe.each(wrapped(binding("cluster-admin", { kind: "Group", name: "platform" })))("rbac-no-cluster-admin-binding: %s", (_, extra) => {
    it("reports the binding", () => {
      expect(run(clusterAdminUndeclared, { ...goodTree(), ...extra })).toEqual([{
        file: fileOf(extra),
        message: "ClusterRoleBinding 'ops' binds cluster-admin to Group platform, which the fleet model does not declare. Grant cluster-wide administration with fleet.clusterAdmins (EKS access entries), or bind a narrower role (admin, edit, view, or a custom Role).",
      }]);
    });
  });

  it("rbac-no-cluster-admin-binding: a RoleBinding to cluster-admin counts too", () => {
    const files = goodTree();
    files["clusters/use1/platform/rolebinding-payments-admins.yaml"].roleRef.name = "cluster-admin";
    expect(run(clusterAdminUndeclared, files)).toHaveLength(1);
  });

  it.each(["system:anonymous", "system:unauthenticated", "system:authenticated", "system:serviceaccounts", "system:serviceaccounts:payments"])("rbac-no-broad-subject: %s", (name) => {
    const kind = name === "system:anonymous" ? "User" : "Group";
    expect(run(noBroadSubjects, { ...goodTree(), [`${P}/crb.json`]: JSON.stringify(binding("view", { kind, name })) })).toEqual([{
      file: `${P}/crb.json`,
      message: `ClusterRoleBinding 'ops' binds view to ${kind} ${name}, which every caller or workload belongs to. Bind it to named groups or service accounts.`,
    }]);
  });

  it("rbac-builtin-roles-untouched: a rendered cluster-admin or system: role", () => {
    expect(run(builtInRolesUntouched, { ...goodTree(), [`${P}/cr.yaml`]: { ...role([]), metadata: { name: "system:node" } } })).toEqual([{
      file: `${P}/cr.yaml`,
      message: "ClusterRole 'system:node' replaces the role Kubernetes itself defines under that name. Give the fleet's own object its own name.",
    }]);
  });

  it("rbac-no-sensitive-aggregation: write on Secrets aggregated into edit; an aggregationRule collecting RBAC writes", () => {
    const label = { labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } };
    const secretsWriter = role([{ apiGroups: [""], resources: ["secrets"], verbs: ["create", "update"] }], label);
    expect(run(noSensitiveAggregation, { ...goodTree(), [`${P}/agg.yaml`]: secretsWriter })).toEqual([{
      file: `${P}/agg.yaml`,
      message: "ClusterRole 'ops' is aggregated into edit and grants write on Secrets or RBAC, so every holder of those roles gains it. Drop the write rule or the aggregate-to label.",
    }]);
    // Read-only aggregation is how CRDs extend view: allowed.
    expect(run(noSensitiveAggregation, { ...goodTree(), [`${P}/agg.yaml`]: role([{ apiGroups: ["example.io"], resources: ["widgets"], verbs: ["get"] }], label) })).toEqual([]);
    const rbacWriter = role([{ apiGroups: [RBAC], resources: ["rolebindings"], verbs: ["create"] }], { name: "rb-writer", labels: { team: "ops" } });
    const collector = { ...role([]), metadata: { name: "collector" }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: "ops" } }] } };
    expect(run(noSensitiveAggregation, { ...goodTree(), [`${P}/w.yaml`]: rbacWriter, [`${P}/c.yaml`]: collector })).toEqual([{
      file: `${P}/c.yaml`,
      message: "ClusterRole 'collector' aggregates ClusterRoles that write Secrets or RBAC, so its holders gain that write. Aggregate only roles without it, or list the rules it needs.",
    }]);
  });
});
