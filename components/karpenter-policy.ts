import * as pulumi from "@pulumi/pulumi";
import { karpenterNodeRoleNameOf } from "../fleet/names";
import { OWN_CLUSTER } from "./pod-identity-role";

export interface KarpenterPolicyArgs {
  readonly accountId: string;
}

/**
 * The Karpenter controller's permissions, for one role the controllers of every cluster share
 * (EKS Pod Identity): the policies of the upstream CloudFormation template for the pinned
 * version (aws/karpenter-provider-aws website/content/en/v1.14/getting-started/
 * getting-started-with-karpenter/cloudformation.yaml), with every `*` account replaced by this
 * account and every `${ClusterName}` by the calling pod's cluster (`OWN_CLUSTER`, its session
 * tag). Launches, tags and deletions are pinned to `eks:eks-cluster-name` of that cluster, which
 * the upstream policy also requires on every launch; upstream's `kubernetes.io/cluster/<name>`
 * conditions need the name in the condition key, where IAM takes no policy variable, and the
 * region tag conditions are dropped with them: EKS names are unique in the fleet's account.
 * The queue (named after the cluster), the node role (`<cluster>-karpenter-node`) and the
 * cluster ARN are named through the same tag, in any of the fleet's regions.
 */
export function karpenterStatements(args: KarpenterPolicyArgs): pulumi.Input<Record<string, unknown>>[] {
  const { accountId } = args;
  const cluster = OWN_CLUSTER;
  const ec2 = (resource: string, account = accountId) => `arn:aws:ec2:*:${account}:${resource}`;
  const instanceProfiles = `arn:aws:iam::${accountId}:instance-profile/*`;
  const clusterArn = `arn:aws:eks:*:${accountId}:cluster/${cluster}`;
  const launched = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map((r) => ec2(r));
  const requestTags = { "aws:RequestTag/eks:eks-cluster-name": cluster };
  const nodePoolRequested = { StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } };
  const ownedNodePoolResource = { StringEquals: { "aws:ResourceTag/eks:eks-cluster-name": cluster }, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } };
  const ownedResource = { "aws:ResourceTag/eks:eks-cluster-name": cluster };
  return [
    // NodeLifecyclePolicy
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      // AMIs and snapshots have no account in their ARN.
      Resource: [ec2("image/*", ""), ec2("snapshot/*", ""), ec2("security-group/*"), ec2("subnet/*"), ec2("capacity-reservation/*"), ec2("placement-group/*")],
    },
    { Sid: "AllowScopedEC2LaunchTemplateAccessActions", Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateFleet"], Resource: ec2("launch-template/*"), Condition: ownedNodePoolResource },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Resource: launched,
      Condition: { StringEquals: requestTags, ...nodePoolRequested },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: launched,
      Condition: { StringEquals: { ...requestTags, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] }, ...nodePoolRequested },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: ec2("instance/*"),
      Condition: {
        ...ownedNodePoolResource,
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": cluster },
        "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
      },
    },
    { Sid: "AllowScopedDeletion", Effect: "Allow", Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"], Resource: [ec2("instance/*"), ec2("launch-template/*")], Condition: ownedNodePoolResource },
    // IAMIntegrationPolicy
    {
      Sid: "AllowPassingInstanceRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:aws:iam::${accountId}:role/${karpenterNodeRoleNameOf(cluster)}`,
      Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
    },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Action: "iam:CreateInstanceProfile",
      Resource: instanceProfiles,
      Condition: {
        StringEquals: requestTags,
        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Action: "iam:TagInstanceProfile",
      Resource: instanceProfiles,
      Condition: {
        StringEquals: { ...ownedResource, ...requestTags },
        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
      },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
      Resource: instanceProfiles,
      Condition: { StringEquals: ownedResource, StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" } },
    },
    // EKSIntegrationPolicy, InterruptionPolicy, ZonalShiftPolicy
    { Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Action: "eks:DescribeCluster", Resource: clusterArn },
    { Sid: "AllowInterruptionQueueActions", Effect: "Allow", Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], Resource: `arn:aws:sqs:*:${accountId}:${cluster}` },
    {
      Sid: "AllowZonalShiftStatusReadOnly",
      Effect: "Allow",
      Action: "arc-zonal-shift:GetManagedResource",
      Resource: "*",
      Condition: { StringLike: { "arc-zonal-shift:ResourceIdentifier": clusterArn } },
    },
    // ResourceDiscoveryPolicy: these reads have no resource-level permissions (upstream limits
    // them to the stack's region; a fleet-wide role serves every region of the fleet).
    {
      Sid: "AllowRegionalReadActions",
      Effect: "Allow",
      Action: [
        "ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceStatus", "ec2:DescribeInstanceTypeOfferings",
        "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribePlacementGroups", "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeSubnets",
      ],
      Resource: "*",
    },
    { Sid: "AllowSSMReadActions", Effect: "Allow", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:*::parameter/aws/service/*" },
    { Sid: "AllowPricingReadActions", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
    { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
    { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Action: "iam:GetInstanceProfile", Resource: instanceProfiles },
  ];
}

/** The EventBridge events Karpenter reacts to: named in the fleet model, which checks the rule names they make. */
export { KARPENTER_INTERRUPTION_EVENTS as INTERRUPTION_EVENTS } from "../fleet/names";
