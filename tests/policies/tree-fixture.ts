import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

/** A compliant rendered tree for two clusters: a namespace with its guard rails, and RBAC. */
export function goodTree(clusters = ["use1", "usw2"]): Record<string, object> {
  const files: Record<string, object> = {};
  for (const c of clusters) {
    const at = (file: string, object: object) => (files[`clusters/${c}/platform/${file}`] = object);
    at("namespace-payments.yaml", { apiVersion: "v1", kind: "Namespace", metadata: { name: "payments" } });
    at("payments/networkpolicy-default-deny.yaml", {
      apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: "payments" },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
    at("payments/resourcequota.yaml", { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "quota", namespace: "payments" }, spec: { hard: { "requests.cpu": "8" } } });
    at("payments/limitrange.yaml", { apiVersion: "v1", kind: "LimitRange", metadata: { name: "limits", namespace: "payments" }, spec: { limits: [{ type: "Container", default: { cpu: "500m" } }] } });
    at("payments/rolebinding-admins.yaml", {
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "payments-admins", namespace: "payments" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "payments-admins" }],
    });
    files[`clusters/${c}/apps/payments/externalsecret-db.yaml`] = {
      apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "db", namespace: "payments" }, spec: { secretStoreRef: { kind: "ClusterSecretStore", name: "aws-secrets-manager" } },
    };
  }
  return files;
}

export function writeTree(files: Record<string, object | string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "gitops-"));
  for (const [file, object] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), typeof object === "string" ? object : YAML.stringify(object));
  }
  return root;
}
