import { evaluateTree } from "../../policies/evaluate";
import { defaultDenyNetworkPolicy, fleetConsistentRbac, ManifestPolicy, noBroadClusterAdmin, noSecrets, quotaAndLimits } from "../../policies/manifests";
import { loadTree, TreeError } from "../../policies/tree";
import { goodTree, writeTree } from "./tree-fixture";
import { changed } from "./harness";

const run = (policy: ManifestPolicy, files: Record<string, object>) => evaluateTree(loadTree(writeTree(files)), [policy]).map((v) => ({ file: v.file, message: v.message }));
const RB = "clusters/usw2/platform/payments/rolebinding-admins.yaml";

describe("manifest rules", () => {
  it("pass a compliant tree", () => {
    expect(evaluateTree(loadTree(writeTree(goodTree())))).toEqual([]);
  });

  it("manifests-no-secret: a committed Secret", () => {
    const files = { ...goodTree(), "clusters/use1/apps/payments/secret-db.yaml": { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "payments" }, data: { password: "aHVudGVyMg==" } } };
    expect(run(noSecrets, files)).toEqual([{
      file: "clusters/use1/apps/payments/secret-db.yaml",
      message: "Secret 'payments/db' is committed to Git, readable by anyone with the repository. Delete it, rotate its values, store them in Secrets Manager and render an ExternalSecret instead.",
    }]);
  });

  it("manifests-default-deny-network-policy: missing, or allowing all ingress", () => {
    const message = "Namespace 'payments' in cluster use1 has no default-deny NetworkPolicy, so every pod accepts and opens any connection. Add one with podSelector: {}, policyTypes: [Ingress, Egress] and no rules, then allow what the workloads need.";
    const missing = goodTree();
    delete missing["clusters/use1/platform/payments/networkpolicy-default-deny.yaml"];
    expect(run(defaultDenyNetworkPolicy, missing)).toEqual([{ file: "clusters/use1/platform/namespace-payments.yaml", message }]);
    const allowAll = changed(goodTree(), (f) => (f["clusters/use1/platform/payments/networkpolicy-default-deny.yaml"].spec.ingress = [{}]));
    expect(run(defaultDenyNetworkPolicy, allowAll)).toEqual([{ file: "clusters/use1/platform/namespace-payments.yaml", message }]);
  });

  it("manifests-no-broad-cluster-admin: cluster-admin to system:authenticated, or to any group", () => {
    const broad = changed(goodTree(), (f) => {
      f[RB] = { ...f[RB], kind: "ClusterRoleBinding", roleRef: { kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "Group", name: "system:authenticated" }] };
      delete f[RB].metadata.namespace;
      f[RB.replace("usw2", "use1")].roleRef.name = "cluster-admin";
    });
    expect(run(noBroadClusterAdmin, broad)).toEqual([
      { file: RB.replace("usw2", "use1"), message: "RoleBinding 'payments-admins' binds cluster-admin to group payments-admins. Bind a narrower role (admin, edit, view, or a custom Role) to a named group, or grant cluster access through EKS access entries." },
      { file: RB, message: "ClusterRoleBinding 'payments-admins' binds cluster-admin to group system:authenticated, which every caller or workload belongs to. Bind a narrower role (admin, edit, view, or a custom Role) to a named group, or grant cluster access through EKS access entries." },
    ]);
  });

  it("manifests-quota-and-limits: a namespace without a LimitRange", () => {
    const files = goodTree();
    delete files["clusters/usw2/platform/payments/limitrange.yaml"];
    expect(run(quotaAndLimits, files)).toEqual([{
      file: "clusters/usw2/platform/namespace-payments.yaml",
      message: "Namespace 'payments' in cluster usw2 has no LimitRange, so one workload can starve the others (and a failover doubles the load). Add LimitRange to the namespace.",
    }]);
  });

  it("manifests-fleet-consistent: RBAC drift between clusters, and an object missing from one", () => {
    const fix = 'Render it from the fleet model so every cluster gets the same object, or annotate the cluster-specific copy with eks-fleet.io/override: "<reason>".';
    const drift = changed(goodTree(["use1", "usw2", "euw1"]), (f) => f[RB].subjects.push({ kind: "User", name: "mallory" }));
    expect(run(fleetConsistentRbac, drift)).toEqual([{
      file: RB,
      message: `RoleBinding payments/payments-admins in cluster usw2 differs from cluster euw1 (clusters/euw1/platform/payments/rolebinding-admins.yaml). ${fix}`,
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

  it("manifests-fleet-consistent: an explicit override makes a difference deliberate", () => {
    const overridden = changed(goodTree(), (f) => {
      f[RB].subjects.push({ kind: "Group", name: "usw2-oncall" });
      f[RB].metadata.annotations = { "eks-fleet.io/override": "usw2 on-call also administers payments" };
    });
    expect(run(fleetConsistentRbac, overridden)).toEqual([]);
  });

  it("refuses a tree it cannot read", () => {
    expect(() => loadTree(writeTree({ "clusters/use1/platform/bad.yaml": "kind: [unclosed" }))).toThrow(TreeError);
    expect(() => loadTree(writeTree({ "README.md": "no clusters" }))).toThrow("not a GitOps tree (no clusters/ folder)");
  });
});
