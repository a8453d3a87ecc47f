import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
import { adminAccessEntries } from "./cluster-access";
import { ClusterNetwork } from "./cluster-network";
import { ControlPlaneLogs } from "./control-plane-logs";
import { ENCRYPT_DECRYPT, keyPolicy, viaService } from "./key-policy";
import { ManagedNodes } from "./managed-nodes";
import { clusterTags } from "./tags";

/** Every control-plane log type: audit trails must survive a lost cluster. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export interface RegionalClusterArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  /**
   * Further ranges allowed on the public endpoint besides `apiAccessCidrs`: the Argo CD
   * hub's NAT addresses on a spoke. @default none
   */
  readonly hubEgressCidrs?: pulumi.Input<string>[];
}

/**
 * One EKS cluster of the fleet, in its own region and VPC, with the security baseline
 * built in: secrets envelope-encrypted with a rotating KMS key, a private endpoint (or
 * one limited to `apiAccessCidrs`), all control-plane logs, access entries instead of
 * the aws-auth ConfigMap, and IMDSv2-only nodes in private subnets.
 *
 * Pass the region's AWS provider through `opts.providers`; every child inherits it.
 */
export class RegionalCluster extends pulumi.ComponentResource {
  public readonly spec: ClusterSpec;
  /** The EKS cluster's name, as its output: whatever takes it waits for the control plane. */
  public readonly clusterName: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  /** Base64 CA bundle of the API server, for clients registered elsewhere (Argo CD). */
  public readonly certificateAuthority: pulumi.Output<string>;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly oidcProviderArn: pulumi.Output<string>;
  public readonly oidcIssuer: pulumi.Output<string>;
  public readonly vpcId: pulumi.Output<string>;
  /** The NAT gateways' Elastic IPs: where this cluster's pods reach the internet from. */
  public readonly natPublicIps: pulumi.Output<string>[];
  /**
   * The security group EKS creates for the cluster and puts on managed nodes whose launch
   * template names none (ours): pod ENIs carry it, so load balancers are let in here.
   */
  public readonly podSecurityGroupId: pulumi.Output<string>;
  /** Public subnets, one per zone: where the cluster's internet-facing load balancer lives. */
  public readonly publicSubnetIds: pulumi.Output<string>[];
  public readonly secretsKeyArn: pulumi.Output<string>;
  /** The EKS control plane, for resources that name the cluster (access entries, add-ons). */
  public readonly controlPlane: pulumi.Resource;
  /** The system node group: controllers that need a node to become ready wait for it. */
  public readonly systemNodes: pulumi.Resource;
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

    const network = new ClusterNetwork(name, { cluster, eksClusterName: cluster.eksClusterName, tags }, parent);

    const logs = new ControlPlaneLogs(`${name}-logs`, { fleet, cluster }, parent);
    const caller = aws.getCallerIdentityOutput({}, parent).arn;

    const publicCidrs: pulumi.Input<string>[] = [...fleet.apiAccessCidrs, ...(args.hubEgressCidrs ?? [])];
    const control = new eks.Cluster(`${name}-eks`, {
      // Through the log group's output, so the cluster inside the component waits for it
      // (else EKS creates an unencrypted group that never expires, and ours would collide).
      name: logs.logGroup.name.apply(() => cluster.eksClusterName),
      // The cluster's own version: an upgrade reaches the waves one deploy at a time (ClusterSpec.kubernetesVersion).
      version: cluster.kubernetesVersion,
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      publicSubnetIds: network.publicSubnetIds,
      endpointPrivateAccess: true,
      endpointPublicAccess: publicCidrs.length > 0,
      publicAccessCidrs: publicCidrs.length > 0 ? publicCidrs : undefined,
      encryptionConfigKeyArn: key.arn,
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      authenticationMode: eks.AuthenticationMode.Api,
      accessEntries: adminAccessEntries(fleet, caller),
      // Enforces the default-deny NetworkPolicies of the GitOps tree (VPC CNI network policy
      // agent: pulumi/pulumi-eks nodejs/eks/addons/cni-addon.ts sets `enableNetworkPolicy`).
      vpcCniOptions: { enableNetworkPolicy: true },
      skipDefaultNodeGroup: true,
      nodeAssociatePublicIpAddress: false,
      createOidcProvider: true,
      tags,
    }, { parent: this, dependsOn: [logs.logGroup] });

    const nodes = new ManagedNodes(`${name}-nodes`, {
      clusterName: cluster.eksClusterName,
      nodes: cluster.nodes,
      subnetIds: network.privateSubnetIds,
      tags,
    }, { parent: this, dependsOn: [control] });

    this.kubernetesProvider = new k8s.Provider(`${name}-k8s`, {
      kubeconfig: pulumi.secret(control.kubeconfigJson),
      enableServerSideApply: true,
    }, { parent: this, dependsOn: [nodes] });

    this.controlPlane = control;
    this.systemNodes = nodes;
    this.clusterName = control.eksCluster.name;
    this.endpoint = control.eksCluster.endpoint;
    this.certificateAuthority = control.eksCluster.certificateAuthority.data;
    this.kubeconfig = pulumi.secret(control.kubeconfigJson);
    this.oidcProviderArn = control.oidcProviderArn;
    this.oidcIssuer = control.oidcIssuer;
    this.vpcId = network.vpcId;
    this.natPublicIps = network.natPublicIps;
    this.publicSubnetIds = network.publicSubnetIds;
    this.podSecurityGroupId = control.eksCluster.vpcConfig.clusterSecurityGroupId;
    this.secretsKeyArn = key.arn;
    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      kubeconfig: this.kubeconfig,
      oidcProviderArn: this.oidcProviderArn,
    });
  }
}
