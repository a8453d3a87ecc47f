import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import type { FleetSpec } from "../../fleet";
import { FleetConfigError } from "../../fleet/errors";
import * as names from "../../fleet/names";
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
 * The cluster's ClusterSecretStore (its own region's replica of each secret, read as the
 * ESO service account through IRSA, usable only from namespaces that declare secrets) and
 * one ExternalSecret per `fleet.secrets` entry. The Secret itself never reaches Git.
 */
export function secretsReplication(fleet: FleetSpec): Replication {
  checkNames(fleet);
  return replicate("secrets", (scope, { cluster }) => {
    const namespaces = [...new Set(fleet.secrets.map((s) => s.namespace))].sort();
    // An empty `conditions` list would let every namespace use the store: with no secrets there is no store.
    if (namespaces.length === 0) return;
    clusterSecretStore(scope, cluster.region, namespaces);
    for (const secret of fleet.secrets) externalSecret(scope, secret.name, secret.namespace);
  });
}

function clusterSecretStore(scope: Construct, region: string, namespaces: string[]): ApiObject {
  const { serviceAccount, namespace } = names.AGENTS.externalSecrets;
  return new ApiObject(scope, "store", {
    apiVersion: EXTERNAL_SECRETS_API,
    kind: "ClusterSecretStore",
    metadata: { name: names.CLUSTER_SECRET_STORE },
    spec: {
      provider: {
        aws: {
          service: "SecretsManager",
          region,
          auth: { jwt: { serviceAccountRef: { name: serviceAccount, namespace } } },
        },
      },
      conditions: [{ namespaces }],
    },
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
      secretStoreRef: { kind: "ClusterSecretStore", name: names.CLUSTER_SECRET_STORE },
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
