import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, clusterUpgradePolicy, FleetSpec } from "../fleet";

/** Every control-plane log type: audit trails must survive a lost cluster. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** The one managed policy a cluster role needs without Auto Mode (pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts `createCore`). */
const CLUSTER_ROLE_POLICY = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy";

/** The audience IRSA tokens carry (EKS User Guide, "Create an IAM OIDC provider for your cluster"). */
export const IRSA_AUDIENCE = "sts.amazonaws.com";

export interface ControlPlaneArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  /** Where EKS places the control plane's network interfaces: the cluster's private and public subnets. */
  readonly subnetIds: pulumi.Input<string>[];
  /** The VPC those subnets are in: a cluster cannot move to another, so a new VPC means a new cluster. */
  readonly vpcId: pulumi.Input<string>;
  /** KMS key that envelope-encrypts Kubernetes secrets; in the cluster's region. */
  readonly secretsKeyArn: pulumi.Input<string>;
  /** The cluster's log group: the cluster waits for it, else EKS creates its own (unencrypted, kept forever). */
  readonly logGroup: pulumi.Resource;
  /**
   * Ranges allowed on the public endpoint, never empty: the deploy reaches the API from outside
   * the VPC, so the fleet refuses a private-only endpoint (fleet/rules.ts `PRIVATE_ONLY_REFUSED`).
   */
  readonly publicAccessCidrs: pulumi.Input<pulumi.Input<string>[]>;
  readonly tags: Record<string, string>;
}

/**
 * The EKS control plane from provider resources, so a plan shows what AWS will see: the
 * cluster role, the cluster (secrets encryption, every log type, a private endpoint and a
 * public one limited to named ranges, access entries only) and the IAM OIDC provider for IRSA
 * (Velero and the secrets readers, which authenticate by web identity: docs/REFERENCE.md "Pod identity").
 *
 * - The cluster grants its creator nothing (`bootstrapClusterCreatorAdminPermissions: false`):
 *   who may use the API is what `ClusterAccess` lists, the deploy role included.
 * - Zonal shift on (`zonalShiftConfig`), so ARC can move traffic off an impaired zone.
 * - `bootstrapSelfManagedAddons: false`: EKS installs no self-managed VPC CNI, kube-proxy or
 *   CoreDNS (EKS API reference, CreateCluster); the cluster runs them as EKS add-ons
 *   (`PodNetworking`, `RegionalCluster`), pinned in fleet/versions.ts.
 * - No security groups of its own: EKS creates the cluster security group (all traffic among
 *   its members, tagged `kubernetes.io/cluster/<name>: owned`) and puts it on managed nodes
 *   whose launch template names none (EKS User Guide, "Default cluster security group"). The
 *   extra cluster and node groups @pulumi/eks created served its self-managed default node
 *   group, which this fleet never ran.
 * - The OIDC provider has no thumbprint: IAM verifies EKS's issuer with its own trusted CAs
 *   and, given none, fetches the thumbprint itself (@pulumi/aws 7.48 iam/openIdConnectProvider.d.ts,
 *   `thumbprintLists`), so no deploy fetches a certificate.
 */
export class ControlPlane extends pulumi.ComponentResource {
  public readonly cluster: aws.eks.Cluster;
  public readonly name: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  /** Base64 CA bundle of the API server. */
  public readonly certificateAuthority: pulumi.Output<string>;
  public readonly oidcProviderArn: pulumi.Output<string>;
  /** The issuer without `https://`, as IRSA trust policies name it. */
  public readonly oidcIssuer: pulumi.Output<string>;
  /** The security group EKS creates for the cluster and puts on managed nodes and pod ENIs. */
  public readonly clusterSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: ControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:cluster:ControlPlane", name, {}, opts);
    const parent = { parent: this };
    const { fleet, cluster, tags } = args;

    const role = new aws.iam.Role(`${name}-role`, {
      description: `EKS control plane of ${cluster.eksClusterName}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        // The trust policy of the EKS User Guide's "Amazon EKS cluster IAM role"; @pulumi/eks also
        // allowed sts:TagSession, which only EKS Auto Mode uses.
        Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags,
    }, parent);
    const policy = new aws.iam.RolePolicyAttachment(`${name}-cluster-policy`, { role: role.name, policyArn: CLUSTER_ROLE_POLICY }, parent);

    this.cluster = new aws.eks.Cluster(`${name}-cluster`, {
      name: cluster.eksClusterName,
      roleArn: role.arn,
      // The cluster's own version: an upgrade reaches one wave per deploy (ClusterSpec.kubernetesVersion).
      version: cluster.kubernetesVersion,
      vpcConfig: {
        subnetIds: args.subnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: args.publicAccessCidrs,
      },
      encryptionConfig: { provider: { keyArn: args.secretsKeyArn }, resources: ["secrets"] },
      enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      bootstrapSelfManagedAddons: false,
      // Explicit: EKS's default (EXTENDED) bills extended support silently once the version ages.
      upgradePolicy: clusterUpgradePolicy(fleet),
      // Registers the cluster with ARC zonal shift: a shift (by hand, or by zonal autoshift when
      // the stack enables it) cordons the impaired zone's nodes and drops its endpoints from every
      // Service (EKS User Guide, "Learn about ARC zonal shift in Amazon EKS"). Off by default.
      zonalShiftConfig: { enabled: true },
      tags: { ...tags, Name: cluster.eksClusterName },
    }, {
      parent: this,
      dependsOn: [args.logGroup, policy],
      // The provider updates subnets in place, but EKS refuses subnets of another VPC ("You can't change
      // which VPC you want to use after cluster creation", EKS User Guide clusters/create-cluster.adoc):
      // a replaced VPC replaces the cluster, deleting the old one first since its name stays.
      replacementTrigger: args.vpcId,
      deleteBeforeReplace: true,
    });

    const issuerUrl = this.cluster.identities.apply((identities) => identities[0].oidcs[0].issuer);
    const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, {
      url: issuerUrl,
      clientIdLists: [IRSA_AUDIENCE],
      tags,
    }, parent);

    this.name = this.cluster.name;
    this.arn = this.cluster.arn;
    this.endpoint = this.cluster.endpoint;
    this.certificateAuthority = this.cluster.certificateAuthority.data;
    this.oidcProviderArn = oidc.arn;
    this.oidcIssuer = oidc.url.apply((url) => url.replace(/^https:\/\//, ""));
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;
    this.registerOutputs({ name: this.name, endpoint: this.endpoint, oidcProviderArn: this.oidcProviderArn });
  }
}
