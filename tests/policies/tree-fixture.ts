import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import * as names from "../../fleet/names";
import { tempDir } from "../support/temp-dirs";

const PSA = {
  "pod-security.kubernetes.io/enforce": "restricted",
  "pod-security.kubernetes.io/enforce-version": "v1.33",
  "pod-security.kubernetes.io/audit": "restricted",
  "pod-security.kubernetes.io/audit-version": "v1.33",
  "pod-security.kubernetes.io/warn": "restricted",
  "pod-security.kubernetes.io/warn-version": "v1.33",
};

/** A workload hardened for the restricted Pod Security Standard, like the ingress gateway. */
export const hardenedDeployment = (namespace = "payments") => ({
  apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "api", namespace },
  spec: {
    selector: { matchLabels: { app: "api" } },
    template: {
      metadata: { labels: { app: "api" } },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers: [{
          name: "api", image: "registry.example.com/api:1.0", ports: [{ name: "http", containerPort: 8080 }],
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } },
        }],
        volumes: [{ name: "tmp", emptyDir: {} }],
      },
    },
  },
});

/**
 * A compliant rendered tree for two clusters in the generator's shape (flat layer folders,
 * each with a kustomization.yaml listing its files, added by `writeTree`): a namespace with
 * its guard rails, RBAC, and a hardened workload.
 */
export function goodTree(clusters = ["use1", "usw2"]): Record<string, any> {
  const files: Record<string, any> = {};
  for (const c of clusters) {
    const at = (file: string, object: object) => (files[`clusters/${c}/platform/${file}`] = object);
    at("namespace-payments.yaml", { apiVersion: "v1", kind: "Namespace", metadata: { name: "payments", labels: { ...PSA } } });
    at("networkpolicy-payments-default-deny.yaml", {
      apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: "payments" },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
    at("networkpolicy-payments-allow-https.yaml", {
      apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "allow-https", namespace: "payments" },
      spec: { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"], ingress: [{ ports: [{ protocol: "TCP", port: 8443 }] }] },
    });
    at("resourcequota-payments-quota.yaml", { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "quota", namespace: "payments" }, spec: { hard: { "requests.cpu": "8" } } });
    at("limitrange-payments-limits.yaml", { apiVersion: "v1", kind: "LimitRange", metadata: { name: "limits", namespace: "payments" }, spec: { limits: [{ type: "Container", default: { cpu: "500m" } }] } });
    at("rolebinding-payments-admins.yaml", {
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "payments-admins", namespace: "payments" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "payments-admins" }],
    });
    at("clusterrole-fleet-viewer.yaml", {
      apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "fleet-viewer" },
      rules: [{ apiGroups: [""], resources: ["pods", "services"], verbs: ["get", "list", "watch"] }],
    });
    at("externalsecret-payments-db.yaml", {
      apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "db", namespace: "payments" }, spec: { secretStoreRef: { kind: "SecretStore", name: "aws-secrets-manager" } },
    });
    files[`clusters/${c}/apps/deployment-payments-api.yaml`] = hardenedDeployment();
  }
  return files;
}

/**
 * Writes `files` (objects as YAML, strings as they are) into a new folder. Every layer folder
 * of every cluster gets the kustomization the generator would write, listing its files,
 * unless `files` brings its own (or `null` to leave it out).
 */
export function writeTree(files: Record<string, object | string | null>): string {
  const root = tempDir("gitops-");
  const layers = new Set(
    Object.keys(files)
      .map((f) => /^(clusters\/[^/]+)\//.exec(f)?.[1])
      .filter((c): c is string => !!c)
      .flatMap((c) => names.TREE_LAYERS.map((layer) => `${c}/${layer}`)),
  );
  const all: Record<string, object | string | null> = { ...files };
  for (const layer of layers) {
    const key = `${layer}/kustomization.yaml`;
    if (key in all) continue;
    const resources = Object.keys(files).filter((f) => path.posix.dirname(f) === layer).map((f) => path.posix.basename(f)).sort();
    all[key] = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources };
  }
  for (const [file, content] of Object.entries(all)) {
    if (content === null) continue;
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), typeof content === "string" ? content : YAML.stringify(content));
  }
  return root;
}
