import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, CORE_ADDON_VERSIONS, FleetSpec, names } from "../fleet";
import { ClusterAccess } from "./cluster-access";
import { ClusterNetwork } from "./cluster-network";
import { ControlPlane } from "./control-plane";
import { ControlPlaneLogs } from "./control-plane-logs";
import { ENCRYPT_DECRYPT, keyPolicy, viaService } from "./key-policy";
import { kubeconfigFor } from "./kubeconfig";
import { NatAddresses } from "./hub-nat-addresses";
import { ManagedNodes } from "./managed-nodes";
import { PodNetworking } from "./pod-networking";
import { clusterTags } from "./tags";

export interface RegionalClusterArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  /**
   * Further ranges allowed on the public endpoint besides `apiAccessCidrs`: the Argo CD
   * hub's NAT addresses on a spoke (read from its region's addresses stack in a per-cluster fleet). @default none
   */
  readonly hubEgressCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  /** Its NAT gateways' Elastic IPs when allocated elsewhere (components/cluster-network.ts). @default its own */
  readonly natAddresses?: NatAddresses;
  /** Where its own NAT addresses may have been held before (components/cluster-network.ts). */
  readonly formerAddressParent?: pulumi.Input<string>;
}

/**
 * One EKS cluster of the fleet, in its own region and VPC, with the security baseline
 * built in: secrets envelope-encrypted with a rotating KMS key, a private endpoint and a
 * public one limited to `apiAccessCidrs`, all control-plane logs, access entries instead of
 * the aws-auth ConfigMap, and IMDSv2-only nodes in private subnets. Built from provider
 * resources only, so a plan shows every resource AWS will see and no run looks anything up.
 *
 * Pass the region's AWS provider through `opts.providers`; every child inherits it.
 */
export class RegionalCluster extends pulumi.ComponentResource {
  public readonly spec: ClusterSpec;
  /** The EKS cluster's name, as its output: whatever takes it waits for the control plane. */
  public readonly clusterName: pulumi.Output<string>;
  /** The EKS cluster's ARN: what ARC zonal shift names it by. */
  public readonly clusterArn: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  /** Base64 CA bundle of the API server, for clients registered elsewhere (Argo CD). */
  public readonly certificateAuthority: pulumi.Output<string>;
  /** Built locally from the endpoint and CA; authenticates with `aws eks get-token` (a secret). */
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly oidcProviderArn: pulumi.Output<string>;
  public readonly oidcIssuer: pulumi.Output<string>;
  public readonly vpcId: pulumi.Output<string>;
  /** The NAT gateways' Elastic IPs: where this cluster's pods reach the internet from. */
  public readonly natPublicIps: pulumi.Input<string>[];
  /**
   * The security group EKS creates for the cluster and puts on managed nodes whose launch
   * template names none (ours): pod ENIs carry it, so load balancers are let in here.
   */
  public readonly podSecurityGroupId: pulumi.Output<string>;
  /** Public subnets, one per zone: where the cluster's internet-facing load balancer lives. */
  public readonly publicSubnetIds: pulumi.Output<string>[];
  public readonly secretsKeyArn: pulumi.Output<string>;
  /** The EKS cluster (`aws.eks.Cluster`), for resources that name the cluster (access entries, add-ons). */
  public readonly controlPlane: pulumi.Resource;
  /** The system node group: controllers that need a node to become ready wait for it. */
  public readonly systemNodes: pulumi.Resource;
  /** The `eks-pod-identity-agent` add-on: Pod Identity associations of this cluster are served once it runs. */
  public readonly podIdentityAgent: pulumi.Resource;
  /** Talks to this cluster's API, for in-cluster add-ons. */
  public readonly kubernetesProvider: k8s.Provider;

  constructor(name: string, args: RegionalClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:cluster:RegionalCluster", name, {}, opts);
    const parent = { parent: this };
    const { fleet, cluster } = args;
    const tags = clusterTags(fleet, cluster);
    this.spec = cluster;

    const key = new aws.kms.Key(`${name}-secrets`, {
      description: `EKS secrets envelope encryption for ${cluster.eksClusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy(fleet.accountId, [{
        sid: "EksEnvelopeEncryptionOnly",
        principal: { AWS: `arn:aws:iam::${fleet.accountId}:root` },
        actions: [...ENCRYPT_DECRYPT, "kms:CreateGrant"],
        condition: viaService(fleet.accountId, "eks", cluster.region),
      }]),
      tags,
    }, parent);
    new aws.kms.Alias(`${name}-secrets`, { name: names.kmsAliasName(fleet.name, cluster.name, "eks-secrets"), targetKeyId: key.keyId }, parent);

    const network = new ClusterNetwork(name, { cluster, eksClusterName: cluster.eksClusterName, tags, natAddresses: args.natAddresses, formerAddressParent: args.formerAddressParent }, parent);
    const logs = new ControlPlaneLogs(`${name}-logs`, { fleet, cluster }, parent);

    const control = new ControlPlane(`${name}-eks`, {
      fleet,
      cluster,
      subnetIds: [...network.publicSubnetIds, ...network.privateSubnetIds],
      vpcId: network.vpcId,
      secretsKeyArn: key.arn,
      logGroup: logs.logGroup,
      publicAccessCidrs: args.hubEgressCidrs ? pulumi.output(args.hubEgressCidrs).apply((hub) => [...fleet.apiAccessCidrs, ...hub]) : [...fleet.apiAccessCidrs],
      tags,
    }, parent);
    const access = new ClusterAccess(`${name}-access`, { fleet, clusterName: control.name, tags }, parent);

    // EKS installs no networking add-ons of its own (bootstrapSelfManagedAddons: false): pod
    // networking before the nodes, CoreDNS (a Deployment, ACTIVE only once it runs) after them.
    // The add-ons of the version this cluster runs, which its wave decides (ClusterSpec.kubernetesVersion).
    const versions = CORE_ADDON_VERSIONS[cluster.kubernetesVersion];
    const networking = new PodNetworking(`${name}-networking`, { clusterName: control.name, versions, tags }, parent);
    const nodes = new ManagedNodes(`${name}-nodes`, {
      clusterName: control.name,
      version: cluster.kubernetesVersion,
      nodes: cluster.nodes,
      subnetIds: network.privateSubnetIds,
      networking: networking.addons,
      egress: network.privateEgress,
      tags,
    }, parent);
    const dns = new aws.eks.Addon(`${name}-coredns`, {
      clusterName: control.name,
      addonName: "coredns",
      addonVersion: versions.coreDns,
      resolveConflictsOnUpdate: "OVERWRITE",
      preserve: true,
      tags,
    }, { parent: this, dependsOn: [nodes] });

    // Hands pods their EKS Pod Identity credentials (the fleet-wide add-on roles): a DaemonSet,
    // so ACTIVE once nodes run it (EKS user guide, "Set up the Amazon EKS Pod Identity Agent";
    // the nodes' AmazonEKSWorkerNodePolicy allows its eks-auth:AssumeRoleForPodIdentity).
    const podIdentityAgent = new aws.eks.Addon(`${name}-pod-identity-agent`, {
      clusterName: control.name,
      addonName: "eks-pod-identity-agent",
      addonVersion: versions.podIdentityAgent,
      resolveConflictsOnUpdate: "OVERWRITE",
      preserve: true,
      tags,
    }, { parent: this, dependsOn: [nodes] });

    // In-cluster agents need nodes, cluster DNS, the Pod Identity Agent and the deploy role's access entry.
    this.kubeconfig = kubeconfigFor({ clusterName: control.name, endpoint: control.endpoint, certificateAuthority: control.certificateAuthority, region: cluster.region });
    this.kubernetesProvider = new k8s.Provider(`${name}-k8s`, {
      kubeconfig: this.kubeconfig,
      enableServerSideApply: true,
    }, { parent: this, dependsOn: [nodes, dns, podIdentityAgent, ...access.grants] });

    this.controlPlane = control.cluster;
    this.systemNodes = nodes;
    this.podIdentityAgent = podIdentityAgent;
    this.clusterName = control.name;
    this.clusterArn = control.arn;
    this.endpoint = control.endpoint;
    this.certificateAuthority = control.certificateAuthority;
    this.oidcProviderArn = control.oidcProviderArn;
    this.oidcIssuer = control.oidcIssuer;
    this.vpcId = network.vpcId;
    this.natPublicIps = network.natPublicIps;
    this.publicSubnetIds = network.publicSubnetIds;
    this.podSecurityGroupId = control.clusterSecurityGroupId;
    this.secretsKeyArn = key.arn;
    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      kubeconfig: this.kubeconfig,
      oidcProviderArn: this.oidcProviderArn,
    });
  }
}
