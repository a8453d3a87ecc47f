import * as YAML from "yaml";
import { evaluateTree } from "../../policies/evaluate";
import { ManifestPolicy } from "../../policies/manifests";
import * as names from "../../fleet/names";
import { builtInRolesUntouched, clusterAdminUndeclared, noAggregation, noBroadSubjects, noBuiltInClusterBinding, noEscalatingVerbs, noForeignSubject, noSensitiveGrant, noWildcards, rbacPolicies } from "../../policies/rbac";
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

  it.each(["system:anonymous", "system:unauthenticated", "system:authenticated", "system:serviceaccounts", "system:serviceaccounts:payments", "system:nodes", "system:masters"])("rbac-no-broad-subject: %s", (name) => {
    const kind = name === "system:anonymous" ? "User" : "Group";
    expect(run(noBroadSubjects, { ...goodTree(), [`${P}/crb.json`]: JSON.stringify(binding("view", { kind, name })) })).toEqual([{
      file: `${P}/crb.json`,
      message: `ClusterRoleBinding 'ops' binds view to ${kind} ${name}, which Kubernetes defines (every caller, workload or node belongs to such groups). Bind it to named groups or service accounts.`,
    }]);
  });

  it("rbac-no-broad-subject: a service account named as a ServiceAccount passes", () => {
    expect(run(noBroadSubjects, { ...goodTree(), [`${P}/crb.json`]: JSON.stringify(binding("view", { kind: "ServiceAccount", name: "reporter", namespace: "payments" })) })).toEqual([]);
  });

  it("rbac-builtin-roles-untouched: a rendered cluster-admin or system: role", () => {
    expect(run(builtInRolesUntouched, { ...goodTree(), [`${P}/cr.yaml`]: { ...role([]), metadata: { name: "system:node" } } })).toEqual([{
      file: `${P}/cr.yaml`,
      message: "ClusterRole 'system:node' replaces the role Kubernetes itself defines under that name. Give the fleet's own object its own name.",
    }]);
  });

  it.each([["admin"], ["edit"], ["cluster-admin"], ["system:controller:clusterrole-aggregation-controller"]])("rbac-no-builtin-cluster-binding: %s across the cluster", (role) => {
    expect(run(noBuiltInClusterBinding, { ...goodTree(), [`${P}/crb.yaml`]: binding(role, { kind: "Group", name: "ops" }) })).toEqual([{
      file: `${P}/crb.yaml`,
      message: `ClusterRoleBinding 'ops' grants the built-in ClusterRole '${role}' in every namespace, agents' and add-ons' included (Secrets, workloads, RBAC). Bind admin or edit with a RoleBinding in the namespace (fleet.namespaces[].admins), or a role of the fleet's own.`,
    }]);
  });

  it("rbac-no-builtin-cluster-binding: admin in one namespace and a fleet role across the cluster pass", () => {
    expect(run(noBuiltInClusterBinding, { ...goodTree(), [`${P}/crb.yaml`]: binding("fleet-viewer", { kind: "Group", name: "ops" }) })).toEqual([]);
  });

  it.each([
    [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }, "list on secrets"],
    [{ apiGroups: [""], resources: ["pods/*"], verbs: ["create"] }, "pods/exec"],
    [{ apiGroups: ["*"], resources: ["*/exec"], verbs: ["create"] }, "pods/exec"],
    [{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }, "nodes/proxy"],
    [{ apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] }, "serviceaccounts/token"],
    [{ apiGroups: ["certificates.k8s.io"], resources: ["signers"], verbs: ["approve"] }, "certificates.k8s.io/signers"],
    [{ apiGroups: [""], resources: ["namespaces"], verbs: ["update"] }, "update on namespaces"],
    [{ apiGroups: [""], resources: ["persistentvolumes"], verbs: ["*"] }, "* on persistentvolumes"],
  ])("rbac-no-sensitive-grant: a ClusterRole with %j", (rule, what) => {
    const found = run(noSensitiveGrant, { ...goodTree(), [`${P}/cr.yaml`]: role([rule]) });
    expect(found.map((v) => v.file)).toContain(`${P}/cr.yaml`);
    expect(found.map((v) => v.message).join("\n")).toContain(what);
  });

  it("rbac-no-sensitive-grant: the fleet's token grant for the secrets reader, held by External Secrets only", () => {
    const eso = names.AGENTS.externalSecrets;
    const tokenRole = { apiVersion: `${RBAC}/v1`, kind: "Role", metadata: { name: "token", namespace: "payments" }, rules: [{ apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: [names.SECRETS_READER_SERVICE_ACCOUNT], verbs: ["create"] }] };
    const holder = (subject: object) => ({ apiVersion: `${RBAC}/v1`, kind: "RoleBinding", metadata: { name: "token", namespace: "payments" }, roleRef: { apiGroup: RBAC, kind: "Role", name: "token" }, subjects: [subject] });
    const fleet = { ...goodTree(), [`${P}/role.yaml`]: tokenRole, [`${P}/rb.yaml`]: holder({ kind: "ServiceAccount", name: eso.serviceAccount, namespace: eso.namespace }) };
    expect(run(noSensitiveGrant, fleet)).toEqual([]);
    expect(run(noSensitiveGrant, { ...fleet, [`${P}/rb.yaml`]: holder({ kind: "Group", name: "ops" }) })).toEqual([{
      file: `${P}/rb.yaml`,
      message: `RoleBinding 'token' gives Role 'token' (tokens of the secrets reader) to Group ops: whoever holds it reads the namespace's secrets through its IAM role. Only ServiceAccount ${eso.namespace}/${eso.serviceAccount} may hold it.`,
    }]);
    // Without resourceNames it mints tokens for any account of the namespace.
    expect(run(noSensitiveGrant, { ...fleet, [`${P}/role.yaml`]: { ...tokenRole, rules: [{ ...tokenRole.rules[0], resourceNames: [] }] } }).map((v) => v.file)).toContain(`${P}/role.yaml`);
  });

  it("rbac-no-foreign-subject: another namespace's account, any account across the cluster, a layer's role to anyone else", () => {
    const rb = (roleRef: object, subject: object) => ({ apiVersion: `${RBAC}/v1`, kind: "RoleBinding", metadata: { name: "rb", namespace: "payments" }, roleRef: { apiGroup: RBAC, ...roleRef }, subjects: [subject] });
    const own = { kind: "ServiceAccount", name: "reporter", namespace: "payments" };
    const appsRole = { kind: "ClusterRole", name: names.layerRoleName("apps") };
    const fine = { ...goodTree(), [`${P}/a.yaml`]: rb({ kind: "ClusterRole", name: "view" }, own), [`${P}/b.yaml`]: { ...rb(appsRole, { kind: "ServiceAccount", name: names.fluxLayerServiceAccount("apps"), namespace: names.AGENTS.flux.namespace }), metadata: { name: "layer", namespace: "payments" } } };
    expect(run(noForeignSubject, fine)).toEqual([]);
    const found = run(noForeignSubject, {
      ...goodTree(),
      [`${P}/a.yaml`]: rb({ kind: "ClusterRole", name: "view" }, { ...own, namespace: "ingress" }),
      [`${P}/b.yaml`]: binding("view", own),
      [`${P}/c.yaml`]: { ...rb(appsRole, { kind: "Group", name: "ops" }), metadata: { name: "c", namespace: "payments" } },
    });
    expect(found.map((v) => [v.file, v.message.split(":")[0]])).toEqual([
      [`${P}/a.yaml`, "RoleBinding 'rb' grants view to ServiceAccount ingress/reporter, of another namespace than payments"],
      [`${P}/b.yaml`, "ClusterRoleBinding 'ops' grants view to ServiceAccount payments/reporter in every namespace"],
      [`${P}/c.yaml`, `RoleBinding 'c' gives ${names.layerRoleName("apps")}, the rights a GitOps layer applies with, to Group ops. Only that layer's Flux account holds it.`],
    ]);
  });

  it("rbac-no-aggregation: an aggregate-to label, and an aggregationRule by matchLabels or matchExpressions", () => {
    const labelled = role([{ apiGroups: ["example.io"], resources: ["widgets"], verbs: ["get"] }], { labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } });
    expect(run(noAggregation, { ...goodTree(), [`${P}/agg.yaml`]: labelled })).toEqual([{
      file: `${P}/agg.yaml`,
      message: "ClusterRole 'ops' carries rbac.authorization.k8s.io/aggregate-to-view: the aggregation controller adds its rules to the built-in role, so every holder of it in every namespace gains them. Bind the role where it is needed instead.",
    }]);
    for (const selector of [{ matchLabels: { team: "ops" } }, { matchExpressions: [{ key: "rbac.authorization.k8s.io/aggregate-to-admin", operator: "Exists" }] }]) {
      const collector = { ...role([]), aggregationRule: { clusterRoleSelectors: [selector] } };
      expect(run(noAggregation, { ...goodTree(), [`${P}/c.yaml`]: collector }).map((v) => v.message)).toEqual([expect.stringMatching(/^ClusterRole 'ops' has an aggregationRule/)]);
    }
  });
});
