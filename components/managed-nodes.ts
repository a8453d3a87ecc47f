import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nodeAmiType, NodesSpec } from "../fleet";

/** AWS-managed policies every EKS worker node needs (the CNI policy is per node so pods get IPs). */
const NODE_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
];

export interface ManagedNodesArgs {
  /** The cluster's name as its output: only the node group waits for the control plane. */
  readonly clusterName: pulumi.Input<string>;
  /**
   * The cluster's Kubernetes version: the nodes follow every control-plane upgrade in the
   * same run, after the control plane (they wait for it through `clusterName`).
   */
  readonly version: string;
  /**
   * The add-ons a node needs to become Ready (pod networking): the node group waits for them,
   * else its nodes stay NotReady and the group fails to create. @default none
   */
  readonly networking?: pulumi.Resource[];
  /**
   * What gives the subnets their way out (the NAT routes): nodes in private subnets fetch
   * their images and credentials through it, and without it they never join. @default none
   */
  readonly egress?: pulumi.Resource[];
  readonly nodes: NodesSpec;
  /** Private subnets only: nodes never get public IPs. */
  readonly subnetIds: pulumi.Input<string>[];
  readonly tags: Record<string, string>;
}

/**
 * An EKS managed node group whose launch template enforces IMDSv2 with a hop limit of 1,
 * so pods cannot borrow the node's instance role through the metadata service. The node
 * role and launch template do not wait for the cluster; EKS gives the node role its access
 * entry (type EC2_LINUX) itself when the group is created (EKS User Guide, "Grant IAM users
 * access to Kubernetes with EKS access entries").
 *
 * Versions: the group runs its cluster's Kubernetes version, so a control-plane upgrade rolls
 * the nodes in the same run (EKS UpdateNodegroupVersion, which the provider sends when
 * `version` changes: hashicorp/terraform-provider-aws internal/service/eks/node_group.go).
 * `releaseVersion` is left to EKS: at creation and at each version update it picks the latest
 * EKS-optimized AMI release of that version, since the launch template names no image (EKS
 * API Reference, CreateNodegroup and UpdateNodegroupVersion); between upgrades the nodes keep
 * their AMI, and the update replaces them `maxUnavailable` at a time, draining each node and
 * stopping at a PodDisruptionBudget it cannot honour. EKS never rolls a node group back to an
 * earlier version or AMI, so a control-plane rollback leaves the nodes on the newer version.
 */
export class ManagedNodes extends pulumi.ComponentResource {
  public readonly nodeGroupName: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: ManagedNodesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:cluster:ManagedNodes", name, {}, opts);
    const parent = { parent: this };
    const { nodes, tags } = args;

    const role = new aws.iam.Role(`${name}-role`, {
      assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "ec2.amazonaws.com" }),
      tags,
    }, parent);
    const attachments = NODE_POLICIES.map((policyArn) =>
      new aws.iam.RolePolicyAttachment(`${name}-${policyArn.split("/").pop()!.toLowerCase().replace(/_/g, "-")}`, { role: role.name, policyArn }, parent),
    );

    const template = new aws.ec2.LaunchTemplate(`${name}-template`, {
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{
        deviceName: "/dev/xvda",
        ebs: { volumeSize: nodes.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      }],
      tagSpecifications: [{ resourceType: "instance", tags }],
      tags,
    }, parent);

    const group = new aws.eks.NodeGroup(`${name}-group`, {
      clusterName: args.clusterName,
      version: args.version,
      nodeRoleArn: role.arn,
      subnetIds: args.subnetIds,
      // The architecture of its instance types (a mix is refused when the fleet is parsed).
      amiType: nodeAmiType(nodes.instanceTypes)!,
      instanceTypes: [...nodes.instanceTypes],
      scalingConfig: { minSize: nodes.min, desiredSize: nodes.desired, maxSize: nodes.max },
      // One node at a time keeps the replicas of every workload serving during upgrades.
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: template.id, version: pulumi.interpolate`${template.latestVersion}` },
      tags,
    }, { parent: this, dependsOn: [...attachments, ...(args.networking ?? []), ...(args.egress ?? [])] });

    this.nodeGroupName = group.nodeGroupName;
    this.roleArn = role.arn;
    this.registerOutputs({ nodeGroupName: this.nodeGroupName, roleArn: this.roleArn });
  }
}
