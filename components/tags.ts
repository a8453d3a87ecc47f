import { ClusterSpec, FleetSpec } from "../fleet";

/**
 * Tags every AWS resource of a cluster carries, for cost reports and ownership. The role
 * is left out on purpose: a failover must not touch every resource of both clusters.
 */
export function clusterTags(fleet: FleetSpec, cluster: ClusterSpec): Record<string, string> {
  return { "eks-fleet/fleet": fleet.name, "eks-fleet/cluster": cluster.name };
}
