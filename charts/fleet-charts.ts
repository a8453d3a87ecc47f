import type { FleetSpec } from "../fleet";
import { Replication } from "./replicate";
import { loadReplicated, ReplicatedFile, replicatedReplications } from "./replicated";
import { autoscalingReplication } from "./platform/autoscaling";
import { backupReplication } from "./platform/backup";
import { fleetInfoReplication } from "./platform/fleet-info";
import { gatewayReplication } from "./platform/gateway";
import { ingressReplication } from "./platform/ingress";
import { namespaceReplications } from "./platform/namespaces";
import { fleetViewerReplication, layerAccessReplication } from "./platform/rbac";
import { secretsReplication } from "./platform/secrets";
import { storageReplication } from "./platform/storage";
import { healthAnswersReplication } from "./platform/traffic";

/**
 * Everything the fleet replicates, in one list: the place to retarget (`.to(...)`) or
 * override (`.override(...)`, `.patch(...)`) an object family for some clusters.
 */
export function fleetReplications(fleet: FleetSpec, replicated: readonly ReplicatedFile[] = loadReplicated()): Replication[] {
  return [
    fleetInfoReplication(),
    fleetViewerReplication(),
    layerAccessReplication(fleet),
    ...namespaceReplications(fleet),
    ingressReplication(fleet),
    ...(fleet.dns.gateway === "builtin" ? [gatewayReplication(fleet)] : []),
    healthAnswersReplication(),
    secretsReplication(fleet),
    backupReplication(),
    storageReplication(),
    autoscalingReplication(),
    ...replicatedReplications(replicated),
  ];
}
