import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { evaluateTree, manifestPolicies } from "../../policies/evaluate";
import { closedWorld, defaultDenyNetworkPolicy, fleetConsistentRbac, ManifestPolicy, noSecrets, quotaAndLimits } from "../../policies/manifests";
import { loadTree, TreeError } from "../../policies/tree";
import { goodTree, writeTree } from "./tree-fixture";
import { changed } from "./harness";

type Files = Record<string, any>;
const run = (policy: ManifestPolicy, files: Files) => evaluateTree(loadTree(writeTree(files)), [policy]).map((v) => ({ file: v.file, message: v.message }));
const all = (files: Files) => evaluateTree(loadTree(writeTree(files))).map((v) => ({ policy: v.policy, file: v.file }));

const P = "clusters/use1/platform";
const K = `${P}/kustomization.yaml`;
const RB = "clusters/usw2/platform/rolebinding-payments-admins.yaml";
const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "payments" }, stringData: { password: "hunter2" } };
const SECRET_MESSAGE = "Secret 'payments/db' is committed to Git, readable by anyone with the repository. Delete it, rotate its values, store them in Secrets Manager and render an ExternalSecret instead.";
const listed = (files: Files) => Object.keys(files).filter((f) => path.posix.dirname(f) === P).map((f) => path.posix.basename(f)).sort();
/** The generator's kustomization for use1/platform with `extra` keys. */
const kustomization = (files: Files, extra: object = {}, resources = listed(files)) => ({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources, ...extra });

describe("manifest rules", () => {
  it("pass a compliant tree", () => {
    expect(evaluateTree(loadTree(writeTree(goodTree())))).toEqual([]);
  });

  describe("manifests-no-secret: a Secret in any file, extension or document position", () => {
    const cases: [string, Files][] = [
      ["a plain file", { [`${P}/secret-db.yaml`]: secret }],
      ["a kind: List", { [`${P}/list.yaml`]: { apiVersion: "v1", kind: "List", items: [secret] } }],
      ["a SecretList in JSON", { [`${P}/secrets.json`]: JSON.stringify({ apiVersion: "v1", kind: "SecretList", items: [secret] }) }],
      ["the second document of a file", { [`${P}/configmap.yml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: payments}\n---\n${YAML.stringify(secret)}` }],
      ["a file no agent applies", { "docs/notes.md": YAML.stringify(secret) }],
      ["a .txt file beside the layers", { "clusters/use1/backup.txt": JSON.stringify({ kind: "List", items: [secret] }) }],
    ];
    it.each(cases)("%s", (_, extra) => {
      const file = Object.keys(extra)[0];
      expect(run(noSecrets, { ...goodTree(), ...extra })).toEqual([{ file, message: SECRET_MESSAGE }]);
    });
  });

  it("manifests-closed-world: the generator's tree passes, each evasion is named with its file", () => {
    const message = (files: Files, k: object | string) => run(closedWorld, { ...files, [K]: k });
    const base = goodTree();
    expect(run(closedWorld, base)).toEqual([]);
    const keyMessage = (key: string) => `${K} has '${key}', which the generator never writes: only a plain resources list is applied (no generators, patches, components, transformers or other options).`;
    expect(message(base, kustomization(base, { secretGenerator: [{ name: "db", literals: ["password=hunter2"] }] }))).toEqual([{ file: K, message: keyMessage("secretGenerator") }]);
    const rebind = { patches: [{ target: { kind: "RoleBinding", name: "payments-admins" }, patch: '[{"op":"replace","path":"/roleRef/name","value":"cluster-admin"}]' }] };
    expect(message(base, kustomization(base, rebind))).toEqual([{ file: K, message: keyMessage("patches") }]);
    expect(message(base, kustomization(base, { patchesStrategicMerge: ["$patch: delete"] }))).toEqual([{ file: K, message: keyMessage("patchesStrategicMerge") }]);
    expect(message(base, kustomization(base, { components: ["../../components/x"] }))).toEqual([{ file: K, message: keyMessage("components") }]);
    for (const entry of ["../secret.yaml", "https://github.com/acme/evil//base?ref=main", "sub/x.yaml", "/etc/passwd"]) {
      expect(message(base, kustomization(base, {}, [...listed(base), entry]))).toEqual([
        { file: K, message: `${K} lists '${entry}', which is not a file in this folder (no paths, '../', URLs or remote bases).` },
      ]);
    }
    expect(message(base, kustomization(base, {}, [...listed(base), "gone.yaml"]))).toEqual([{ file: K, message: `${K} lists 'gone.yaml', which does not exist.` }]);
  });

  it("manifests-closed-world: a file dropped from resources, a file outside the layers, a missing kustomization, a merge directive", () => {
    const base = goodTree();
    const dropped = { ...base, [K]: kustomization(base, {}, listed(base).filter((f) => f !== "networkpolicy-payments-default-deny.yaml")) };
    expect(run(closedWorld, dropped)).toEqual([{
      file: `${P}/networkpolicy-payments-default-deny.yaml`,
      message: `${P}/networkpolicy-payments-default-deny.yaml is not listed in kustomization.yaml, so no agent applies it: the tree must be exactly what is applied. Delete it, or render it from the fleet model.`,
    }]);
    // What is not applied is not there: the namespace now lacks its default-deny.
    expect(all(dropped).map((v) => v.policy)).toEqual(expect.arrayContaining(["manifests-closed-world", "manifests-default-deny-network-policy"]));
    expect(run(closedWorld, { ...base, "clusters/use1/extra/cm.yaml": { kind: "ConfigMap" } })).toEqual([{
      file: "clusters/use1/extra/cm.yaml",
      message: "clusters/use1/extra/cm.yaml is outside the layer folders (clusters/<cluster>/platform|traffic|apps/); the rendered tree holds nothing else. Delete it.",
    }]);
    expect(run(closedWorld, { ...base, [K]: null })).toEqual([{ file: K, message: `${K} is missing; without it the agent applies whatever it finds in ${P}/.` }]);
    const deletion = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: "payments" }, $patch: "delete" };
    expect(run(closedWorld, { ...base, [`${P}/zz-delete.json`]: JSON.stringify(deletion) })).toEqual([{
      file: `${P}/zz-delete.json`,
      message: `${P}/zz-delete.json (document 1) has '$patch', a merge directive that can delete or replace objects; the tree holds plain objects only.`,
    }]);
  });

  it("judges what is applied: List items and JSON documents are objects like any other", () => {
    const tree = loadTree(writeTree({ ...goodTree(), [`${P}/list.json`]: JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "payments" } }] }) }));
    expect(tree.objects.filter((o) => o.file === `${P}/list.json`).map((o) => o.object.kind)).toEqual(["ConfigMap"]);
  });

  it("refuses a symbolic link", () => {
    const root = writeTree(goodTree());
    fs.symlinkSync("/etc/hostname", path.join(root, P, "link.yaml"));
    expect(evaluateTree(loadTree(root), [closedWorld])).toContainEqual(expect.objectContaining({ file: `${P}/link.yaml`, message: expect.stringContaining("is a symbolic link") }));
  });

  it("manifests-default-deny-network-policy: missing, or allowing all ingress", () => {
    const message = "Namespace 'payments' in cluster use1 has no default-deny NetworkPolicy, so every pod accepts and opens any connection. Add one with podSelector: {}, policyTypes: [Ingress, Egress] and no rules, then allow what the workloads need.";
    const missing = goodTree();
    delete missing[`${P}/networkpolicy-payments-default-deny.yaml`];
    expect(run(defaultDenyNetworkPolicy, missing)).toEqual([{ file: `${P}/namespace-payments.yaml`, message }]);
    const allowAll = changed(goodTree(), (f) => (f[`${P}/networkpolicy-payments-default-deny.yaml`].spec.ingress = [{}]));
    expect(run(defaultDenyNetworkPolicy, allowAll)).toEqual([{ file: `${P}/namespace-payments.yaml`, message }]);
  });

  it("manifests-quota-and-limits: a namespace without a LimitRange", () => {
    const files = goodTree();
    delete files["clusters/usw2/platform/limitrange-payments-limits.yaml"];
    expect(run(quotaAndLimits, files)).toEqual([{
      file: "clusters/usw2/platform/namespace-payments.yaml",
      message: "Namespace 'payments' in cluster usw2 has no LimitRange, so one workload can starve the others (and a failover doubles the load). Add LimitRange to the namespace.",
    }]);
  });

  const fix = "Render it from the fleet model so every cluster gets the same object; a per-cluster difference must come from a Replication's .override()/.patch()/.to() in charts/, which the renderer records.";

  it("manifests-fleet-consistent: RBAC drift between clusters, and an object missing from one", () => {
    const drift = changed(goodTree(["use1", "usw2", "euw1"]), (f) => f[RB].subjects.push({ kind: "User", name: "mallory" }));
    expect(run(fleetConsistentRbac, drift)).toEqual([{
      file: RB,
      message: `RoleBinding payments/payments-admins in cluster usw2 differs from cluster euw1 (clusters/euw1/platform/rolebinding-payments-admins.yaml). ${fix}`,
    }]);
    const missing = goodTree();
    delete missing[RB];
    // The violation names a file that exists; the message says which one is missing.
    expect(run(fleetConsistentRbac, missing)).toEqual([{
      file: RB.replace("usw2", "use1"),
      message: `RoleBinding payments/payments-admins exists in cluster use1 (${RB.replace("usw2", "use1")}) but not in cluster usw2 (no ${RB}). ${fix}`,
    }]);
    expect(Object.keys(missing)).toContain(RB.replace("usw2", "use1"));
  });

  it("manifests-fleet-consistent: a hand-written override annotation is no exception", () => {
    const annotated = changed(goodTree(), (f) => {
      f[RB].subjects.push({ kind: "Group", name: "usw2-oncall" });
      f[RB].metadata.annotations = { "eks-fleet.io/override": "usw2 on-call also administers payments" };
    });
    expect(run(fleetConsistentRbac, annotated)).toEqual([{ file: RB, message: `RoleBinding payments/payments-admins in cluster usw2 differs from cluster use1 (${RB.replace("usw2", "use1")}). ${fix}` }]);
  });

  it("the policy table of docs/POLICIES.md lists every manifest rule", () => {
    const policies = fs.readFileSync(path.resolve(__dirname, "../../docs/POLICIES.md"), "utf8");
    expect(manifestPolicies.map((p) => p.name).filter((name) => !policies.includes(`| \`${name}\` |`))).toEqual([]);
  });

  it("refuses a tree it cannot read", () => {
    expect(() => loadTree(writeTree({ [`${P}/bad.yaml`]: "kind: [unclosed" }))).toThrow(TreeError);
    expect(() => loadTree(writeTree({ "README.md": "no clusters" }))).toThrow("not a GitOps tree (no clusters/ folder)");
  });

  it("names every file that holds the same unreadable text, not only the first", () => {
    const same = "kind: [unclosed";
    const files = { "clusters/use1/platform/bad.yaml": same, "clusters/usw2/platform/bad.yaml": same };
    expect(() => loadTree(writeTree(files))).toThrow(/clusters\/use1\/platform\/bad\.yaml: not valid YAML.*\n.*clusters\/usw2\/platform\/bad\.yaml: not valid YAML/);
  });

  it("gives each cluster's copy of a replicated file the same documents, which no rule can change", () => {
    const tree = loadTree(writeTree(goodTree()));
    const [use1, usw2] = ["use1", "usw2"].map((c) => tree.objects.find((o) => o.cluster === c && o.object.kind === "Namespace")!.object);
    expect(use1).toEqual(usw2);
    expect(() => (use1.metadata.labels["pod-security.kubernetes.io/enforce"] = "privileged")).toThrow(TypeError);
    expect(usw2.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });
});
