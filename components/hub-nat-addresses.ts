import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec } from "../fleet";
import { clusterTags } from "./tags";

export const HUB_NAT_ADDRESSES_TYPE = "eks-fleet:network:HubNatAddresses";
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

/** The name of the component that holds an Argo CD hub's NAT addresses in the fleet stack. */
export const hubNatAddressesName = (cluster: string) => `${cluster}-nat-addresses`;

/** That component's URN under `fleet`: where an address moved out of the fleet stack was held. */
export const hubNatAddressesUrn = (cluster: string, fleet: pulumi.Resource) => pulumi.createUrn(hubNatAddressesName(cluster), HUB_NAT_ADDRESSES_TYPE, fleet);

/** Where a cluster's own network holds its NAT addresses: under its `ClusterNetwork`, under its `RegionalCluster`, under `fleet`. */
export const clusterNetworkUrn = (cluster: string, fleet: pulumi.Resource) => pulumi.createUrn(cluster, NETWORK_TYPE, pulumi.createUrn(cluster, CLUSTER_TYPE, fleet));

export interface HubNatAddressesArgs {
  readonly fleet: FleetSpec;
  readonly hub: ClusterSpec;
  /** The hub's network in the cluster layout (`clusterNetworkUrn`), where its stack held these addresses before. */
  readonly formerParent: pulumi.Input<string>;
}

/**
 * The Elastic IPs of an Argo CD hub's NAT gateways, one per zone, allocated in the fleet stack of
 * a per-cluster fleet (pass the hub region's provider through `opts.provider`): every spoke's
 * public endpoint admits them, and with them in the stack that deploys first, a spoke's stack
 * reads them from there and deploys beside its hub instead of after it (deploy/stacks.ts). An
 * Elastic IP is allocated alone, with no VPC or subnet (EC2 `AllocateAddress` with
 * `Domain=vpc`), and a NAT gateway created later takes it by allocation ID (EC2
 * `CreateNatGateway` `AllocationId`; hashicorp/terraform-provider-aws
 * internal/service/ec2/vpc_nat_gateway.go): the hub's own stack passes them to its network.
 *
 * Each address has its name and tags of the cluster layout and is known also under that
 * parent (`aliases`), so moving one between the hub's stack and the fleet stack with `pulumi
 * state move` keeps the address (README, "Stacks").
 */
export class HubNatAddresses extends pulumi.ComponentResource {
  public readonly addresses: NatAddresses;

  constructor(args: HubNatAddressesArgs, opts: pulumi.ComponentResourceOptions) {
    super(HUB_NAT_ADDRESSES_TYPE, hubNatAddressesName(args.hub.name), {}, opts);
    const { fleet, hub, formerParent } = args;
    const tags = clusterTags(fleet, hub);
    const ips = hub.subnets.public.map((_, i) => new aws.ec2.Eip(natAddressName(hub.name, i), { domain: "vpc", tags }, { parent: this, aliases: [{ parent: formerParent }] }));
    this.addresses = { allocationIds: ips.map((ip) => ip.id), publicIps: ips.map((ip) => ip.publicIp) };
    this.registerOutputs({ allocationIds: this.addresses.allocationIds, publicIps: this.addresses.publicIps });
  }
}
