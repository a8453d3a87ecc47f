import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec } from "../fleet";
import { clusterTags } from "./tags";

const CLUSTER_TYPE = "eks-fleet:cluster:RegionalCluster";
const NETWORK_TYPE = "eks-fleet:network:ClusterNetwork";

/** One NAT gateway's Elastic IP per zone of a cluster, as its network takes them (components/cluster-network.ts). */
export interface NatAddresses {
  /** What each zone's NAT gateway takes (`allocationId`), in the order of the cluster's public subnets. */
  readonly allocationIds: pulumi.Input<string>[];
  /** Where the cluster's pods reach the internet from, in the same order. */
  readonly publicIps: pulumi.Input<string>[];
}

/** The name of a cluster's NAT address of zone `i`, the same in whichever stack holds it. */
export const natAddressName = (cluster: string, i: number) => `${cluster}-nat-${i}`;

/** Where a cluster's own network holds its NAT addresses: under its `ClusterNetwork`, under its `RegionalCluster`, under `fleet`. */
export const clusterNetworkUrn = (cluster: string, fleet: pulumi.Resource) => pulumi.createUrn(cluster, NETWORK_TYPE, pulumi.createUrn(cluster, CLUSTER_TYPE, fleet));

/**
 * The Elastic IPs of an Argo CD hub's NAT gateways, one per zone, allocated in the addresses
 * stack of the hub's region (`<fleet>.addresses.<region>`) in a per-cluster fleet, under the
 * fleet component `fleet` and through the region's provider: every spoke's public endpoint
 * admits them, and with them in a stack that deploys first, beside the fleet stack, a spoke's
 * stack reads them from there and deploys beside its hub instead of after it
 * (deploy/stacks.ts). An Elastic IP is allocated alone, with no VPC or subnet (EC2
 * `AllocateAddress`, `Domain=vpc`), and a NAT gateway created later takes it by allocation ID
 * (EC2 `CreateNatGateway` `AllocationId`; hashicorp/terraform-provider-aws
 * internal/service/ec2/vpc_nat_gateway.go): the hub's own stack passes them to its network.
 * No component of their own: an addresses stack holds these and its region's provider only.
 *
 * Each address has its name and tags of the cluster layout and is known also under that
 * parent (`aliases`), so moving one between the hub's stack and an addresses stack with
 * `pulumi state move` keeps the address; under the fleet component in both, it keeps its URN
 * from the fleet stack, which held them before (README, "Stacks"; deploy/migration.ts `stateMoves`).
 */
export function allocateHubNatAddresses(fleet: FleetSpec, hub: ClusterSpec, opts: { readonly parent: pulumi.Resource; readonly provider: pulumi.ProviderResource }): NatAddresses {
  const formerParent = clusterNetworkUrn(hub.name, opts.parent);
  const ips = hub.subnets.public.map((_, i) =>
    new aws.ec2.Eip(natAddressName(hub.name, i), { domain: "vpc", tags: clusterTags(fleet, hub) }, { ...opts, aliases: [{ parent: formerParent }] }));
  return { allocationIds: ips.map((ip) => ip.id), publicIps: ips.map((ip) => ip.publicIp) };
}
