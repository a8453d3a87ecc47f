import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, names } from "../fleet";
import { natAddressName, NatAddresses } from "./hub-nat-addresses";

export interface ClusterNetworkArgs {
  /** The cluster whose subnets (computed in `fleet/`) this network carries. */
  readonly cluster: ClusterSpec;
  readonly eksClusterName: string;
  readonly tags: Record<string, string>;
  /**
   * The NAT gateways' Elastic IPs, allocated elsewhere: an Argo CD hub's in its region's
   * addresses stack of a per-cluster fleet (components/hub-nat-addresses.ts). @default allocated here, one per zone
   */
  readonly natAddresses?: NatAddresses;
  /**
   * Where this cluster's own addresses may have been held before (under the fleet, in its
   * region's addresses stack, or earlier the fleet stack, while it was a hub): an address moved
   * from there with `pulumi state move` is taken over, not replaced.
   */
  readonly formerAddressParent?: pulumi.Input<string>;
}

/**
 * A VPC over three availability zones (two where the region offers two): private subnets
 * for nodes and pods (no public IPs, egress through one NAT gateway per zone so a zone
 * outage cannot cut the others off; an Argo CD hub's NAT addresses come from its region's
 * addresses stack in a per-cluster fleet), public subnets for internet-facing load balancers only.
 * Zones are named by zone ID, never by name, from the fleet model (`fleet/zones.ts` or the
 * cluster's `zoneIds`): no zone lookup, so a deploy never needs the region to choose them.
 */
export class ClusterNetwork extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly privateSubnetIds: pulumi.Output<string>[];
  public readonly publicSubnetIds: pulumi.Output<string>[];
  /** The NAT gateways' Elastic IPs: every connection this VPC opens to the internet comes from one. */
  public readonly natPublicIps: pulumi.Input<string>[];
  /**
   * The private subnets' route table associations, each with its route through its zone's NAT
   * gateway: instances launched there reach the internet (ECR, STS, the EKS endpoint) once these exist.
   */
  public readonly privateEgress: pulumi.Resource[];

  constructor(name: string, args: ClusterNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:network:ClusterNetwork", name, {}, opts);
    const parent = { parent: this };
    const { cluster, tags } = args;
    const { zoneIds } = cluster;
    const shared = `kubernetes.io/cluster/${args.eksClusterName}`;

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: cluster.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      // The tag the Load Balancer Controller's fleet role checks before it creates a security group here.
      tags: { ...tags, Name: `${name}-vpc`, [names.VPC_CLUSTER_TAG]: args.eksClusterName },
    }, parent);
    const gateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags }, parent);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
      tags: { ...tags, Name: `${name}-public` },
    }, parent);

    this.publicSubnetIds = [];
    this.privateSubnetIds = [];
    this.natPublicIps = [];
    this.privateEgress = [];
    cluster.subnets.public.forEach((cidrBlock, i) => {
      const zone = `${name}-public-${i}`;
      const subnet = new aws.ec2.Subnet(zone, {
        vpcId: vpc.id,
        cidrBlock,
        availabilityZoneId: zoneIds[i],
        mapPublicIpOnLaunch: false,
        tags: { ...tags, Name: zone, "kubernetes.io/role/elb": "1", [shared]: "shared" },
      }, parent);
      new aws.ec2.RouteTableAssociation(zone, { subnetId: subnet.id, routeTableId: publicRoutes.id }, parent);
      const ip = args.natAddresses
        ? { id: args.natAddresses.allocationIds[i], publicIp: args.natAddresses.publicIps[i] }
        : new aws.ec2.Eip(natAddressName(name, i), { domain: "vpc", tags }, { parent: this, aliases: args.formerAddressParent ? [{ parent: args.formerAddressParent }] : [] });
      const nat = new aws.ec2.NatGateway(`${name}-nat-${i}`, { subnetId: subnet.id, allocationId: ip.id, tags }, { parent: this, dependsOn: [gateway] });

      const privateZone = `${name}-private-${i}`;
      const privateSubnet = new aws.ec2.Subnet(privateZone, {
        vpcId: vpc.id,
        cidrBlock: cluster.subnets.private[i],
        availabilityZoneId: zoneIds[i],
        mapPublicIpOnLaunch: false,
        tags: { ...tags, Name: privateZone, "kubernetes.io/role/internal-elb": "1", [shared]: "shared" },
      }, parent);
      const privateRoutes = new aws.ec2.RouteTable(privateZone, {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
        tags: { ...tags, Name: privateZone },
      }, parent);
      this.privateEgress.push(new aws.ec2.RouteTableAssociation(privateZone, { subnetId: privateSubnet.id, routeTableId: privateRoutes.id }, parent));
      this.publicSubnetIds.push(subnet.id);
      this.privateSubnetIds.push(privateSubnet.id);
      this.natPublicIps.push(ip.publicIp);
    });

    this.vpcId = vpc.id;
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, publicSubnetIds: this.publicSubnetIds, natPublicIps: this.natPublicIps });
  }
}
