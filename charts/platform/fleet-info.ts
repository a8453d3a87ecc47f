import type { ClusterSpec } from "../../fleet";
import { k8s } from "../k8s";
import { Replication, replicate } from "../replicate";

export const FLEET_INFO = { name: "fleet-info", namespace: "kube-public" } as const;

/**
 * What this cluster is within the fleet, readable by anyone in the cluster (kube-public,
 * like `cluster-info`): workloads and operators read the role here instead of guessing.
 */
export function fleetInfoReplication(): Replication {
  return replicate("fleet-info", (scope, { fleet, cluster }) => {
    new k8s.KubeConfigMap(scope, "info", {
      metadata: { ...FLEET_INFO },
      data: {
        fleet: fleet.name,
        cluster: cluster.name,
        region: cluster.region,
        mode: fleet.mode,
        ...roleKeys(cluster),
        hostname: cluster.hostname,
        eksClusterName: cluster.eksClusterName,
      },
    });
  });
}

/**
 * The keys that say the cluster's role. Like the health answers, they follow a failover on
 * every wave at once, also on a wave that keeps its files until it is promoted
 * (charts/kept-waves.ts sets them on the kept copy).
 */
function roleKeys(cluster: ClusterSpec): Record<"role" | "serves" | "takeover", string> {
  // takeover: the one standby that takes the traffic when the primary fails (Route 53's SECONDARY answer).
  return { role: cluster.role, serves: String(cluster.serves), takeover: String(cluster.takeover) };
}

type Manifest = Record<string, any>;
const isFleetInfo = (m: Manifest) => m.kind === "ConfigMap" && m.metadata?.name === FLEET_INFO.name && m.metadata?.namespace === FLEET_INFO.namespace;

/** `manifest` with the role keys of `cluster` when it is the fleet-info ConfigMap; else unchanged. */
export function fleetInfoWithRole(manifest: Manifest, cluster: ClusterSpec): Manifest {
  return isFleetInfo(manifest) ? { ...manifest, data: { ...manifest.data, ...roleKeys(cluster) } } : manifest;
}

/** `manifest` without the role keys when it is the fleet-info ConfigMap: what no role changes. */
export function fleetInfoWithoutRole(manifest: Manifest): Manifest {
  if (!isFleetInfo(manifest)) return manifest;
  const { role: _r, serves: _s, takeover: _t, ...data } = manifest.data ?? {};
  return { ...manifest, data };
}
