import { ClusterSpec, FleetSpec } from "../fleet";

/** Tags every AWS resource of a cluster carries, for cost reports and ownership. */
export function clusterTags(fleet: FleetSpec, cluster: ClusterSpec): Record<string, string> {
  return { "eks-fleet/fleet": fleet.name, "eks-fleet/cluster": cluster.name, "eks-fleet/role": cluster.role };
}
