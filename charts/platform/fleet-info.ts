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
        role: cluster.role,
        mode: fleet.mode,
        serves: String(cluster.serves),
        // The one standby that takes the traffic when the primary fails (Route 53's SECONDARY answer).
        takeover: String(cluster.takeover),
        hostname: cluster.hostname,
        eksClusterName: cluster.eksClusterName,
      },
    });
  });
}
