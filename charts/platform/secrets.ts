import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import type { ClusterSpec, FleetSpec } from "../../fleet";
import { secretNamespaces } from "../../fleet/access";
import { FleetConfigError } from "../../fleet/errors";
import * as names from "../../fleet/names";
import { k8s } from "../k8s";
import { Replication, replicate } from "../replicate";

/** external-secrets.io/v1 is served from ESO 0.16 on; v1beta1 is no longer served since 0.17 (chart 2.x serves v1 only). */
export const EXTERNAL_SECRETS_API = "external-secrets.io/v1";
export const REFRESH_INTERVAL = "1h";

/**
 * The Kubernetes name of the ExternalSecret (and of the Secret ESO creates) for a Secrets
 * Manager name: `payments/db-credentials` → `payments-db-credentials`.
 */
export function externalSecretName(secretName: string): string {
  return secretName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63)
    .replace(/-+$/, "");
}

/**
 * Per namespace with secrets: a SecretStore that reads its own region's replicas as that
 * namespace's secrets reader, whose IAM role (components/external-secrets.ts) may read that
 * namespace's secrets only; and one ExternalSecret per `fleet.secrets` entry. The store always
 * names its service account: without `auth`, External Secrets would fall back to the
 * controller's own credentials (external-secrets/external-secrets
 * `providers/v1/aws/auth/auth.go`, `constructCredsProvider`). The Secret never reaches Git.
 */
export function secretsReplication(fleet: FleetSpec): Replication {
  checkNames(fleet);
  return replicate("secrets", (scope, { cluster }) => {
    for (const namespace of secretNamespaces(fleet)) secretsReader(scope, fleet, cluster, namespace);
    for (const secret of fleet.secrets) externalSecret(scope, secret.name, secret.namespace);
  });
}

function secretsReader(scope: Construct, fleet: FleetSpec, cluster: ClusterSpec, namespace: string): void {
  const reader = names.SECRETS_READER_SERVICE_ACCOUNT;
  const controller = names.AGENTS.externalSecrets;
  const id = (what: string) => `${namespace}-${what}`;
  new k8s.KubeServiceAccount(scope, id("reader"), {
    metadata: {
      name: reader,
      namespace,
      annotations: { "eks.amazonaws.com/role-arn": names.roleArn(fleet.accountId, names.namespaceSecretsRoleName(fleet.name, cluster.name, namespace)) },
    },
    // Only External Secrets uses it, through tokens it requests; no pod mounts one.
    automountServiceAccountToken: false,
  });
  new ApiObject(scope, id("store"), {
    apiVersion: EXTERNAL_SECRETS_API,
    kind: "SecretStore",
    metadata: { name: names.NAMESPACE_SECRET_STORE, namespace },
    spec: { provider: { aws: { service: "SecretsManager", region: cluster.region, auth: { jwt: { serviceAccountRef: { name: reader } } } } } },
  });
  // The chart grants no token creation (rbac.serviceAccountTokenCreate: false): here External
  // Secrets may mint tokens for this reader only (the chart's values.yaml documents this pattern).
  new k8s.KubeRole(scope, id("token-role"), {
    metadata: { name: names.SECRETS_TOKEN_ROLE, namespace },
    rules: [{ apiGroups: [""], resources: ["serviceaccounts/token"], resourceNames: [reader], verbs: ["create"] }],
  });
  new k8s.KubeRoleBinding(scope, id("token-binding"), {
    metadata: { name: names.SECRETS_TOKEN_ROLE, namespace },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: names.SECRETS_TOKEN_ROLE },
    subjects: [{ kind: "ServiceAccount", name: controller.serviceAccount, namespace: controller.namespace }],
  });
}

function externalSecret(scope: Construct, key: string, namespace: string): ApiObject {
  const name = externalSecretName(key);
  return new ApiObject(scope, `external-secret-${namespace}-${name}`, {
    apiVersion: EXTERNAL_SECRETS_API,
    kind: "ExternalSecret",
    metadata: { name, namespace },
    spec: {
      refreshInterval: REFRESH_INTERVAL,
      secretStoreRef: { kind: "SecretStore", name: names.NAMESPACE_SECRET_STORE },
      target: { name, creationPolicy: "Owner" },
      dataFrom: [{ extract: { key } }],
    },
  });
}

/** Two Secrets Manager names may map to one Kubernetes name (`a/b`, `a-b`): say so, naming both entries. */
function checkNames(fleet: FleetSpec): void {
  const seen = new Map<string, number>();
  const problems = fleet.secrets.flatMap((secret, i) => {
    const key = `${secret.namespace}/${externalSecretName(secret.name)}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, i);
      return externalSecretName(secret.name) === "" ? [{ path: `fleet.secrets[${i}].name`, message: `'${secret.name}' has no letters or digits for a Kubernetes name` }] : [];
    }
    return [{ path: `fleet.secrets[${i}].name`, message: `'${secret.name}' and fleet.secrets[${first}] both become ExternalSecret '${key}'` }];
  });
  if (problems.length > 0) throw new FleetConfigError(problems);
}
