import { ApiObject } from "cdk8s";
import type { ClusterSpec, FleetSpec } from "../../fleet";
import * as names from "../../fleet/names";
import { Replication, replicate } from "../replicate";

/** Karpenter's v1 APIs (aws/karpenter-provider-aws, chart 1.14.1 CRDs); no model package exists, so they get the basic checks. */
const KARPENTER_API = "karpenter.sh/v1";
const KARPENTER_AWS_API = "karpenter.k8s.aws/v1";

/**
 * The EKS optimized AL2023 AMI release Karpenter's nodes boot, pinned: with `@latest` every AMI
 * AWS publishes drifts and replaces every node, which Karpenter's docs advise against in
 * production (NodeClasses, spec.amiSelectorTerms). Release v20260714 ships AL2023 AMIs for
 * Kubernetes 1.30–1.36, x86_64 and arm64 (awslabs/amazon-eks-ami CHANGELOG.md, "AMI Release
 * v20260714"). A bump is a reviewed change: the diff shows each cluster's EC2NodeClass, and
 * Karpenter replaces the nodes once the agent applies it.
 */
export const KARPENTER_AMI_ALIAS = "al2023@v20260714";

/** The EBS CSI driver's ownership tag: the driver may attach volumes only to instances carrying it. */
const EBS_CSI_CLUSTER_TAG = "ebs.csi.aws.com/cluster-name";

/**
 * How many nodes Karpenter may add: `nodes.max` caps the whole cluster, and the system node
 * group already runs `nodes.desired` of them (it does not scale on its own).
 */
export const karpenterNodeLimit = (cluster: ClusterSpec) => Math.max(0, cluster.nodes.max - cluster.nodes.desired);

/**
 * Node autoscaling, rendered in the platform layer so every cluster (standbys included)
 * can grow as soon as pods are pending: a NodePool of the cluster's instance types, capped
 * by `nodes.max`, and its EC2NodeClass with the baseline of the managed nodes (private
 * subnets, the EKS cluster security group, IMDSv2 with hop limit 1, encrypted gp3 root volume).
 * Rendered in Git rather than created by Pulumi so a failover or an override is a reviewed
 * commit like every other platform change; the agent applies it after the Karpenter release.
 */
export function autoscalingReplication(): Replication {
  return replicate("autoscaling", (scope, { fleet, cluster }) => {
    new ApiObject(scope, "node-class", {
      apiVersion: KARPENTER_AWS_API,
      kind: "EC2NodeClass",
      metadata: { name: names.KARPENTER_OBJECTS.nodeClass },
      spec: nodeClassSpec(fleet, cluster),
    });
    new ApiObject(scope, "node-pool", {
      apiVersion: KARPENTER_API,
      kind: "NodePool",
      metadata: { name: names.KARPENTER_OBJECTS.nodePool },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: names.KARPENTER_OBJECTS.nodeClass },
            requirements: [
              { key: "node.kubernetes.io/instance-type", operator: "In", values: [...cluster.nodes.instanceTypes] },
              { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
              { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
            ],
            expireAfter: "720h",
          },
        },
        limits: { nodes: karpenterNodeLimit(cluster) },
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m" },
      },
    });
  });
}

function nodeClassSpec(fleet: FleetSpec, cluster: ClusterSpec) {
  const clusterTag = `kubernetes.io/cluster/${cluster.eksClusterName}`;
  return {
    role: names.karpenterNodeRoleName(fleet.name, cluster.name),
    amiSelectorTerms: [{ alias: KARPENTER_AMI_ALIAS }],
    // The private subnets (the public ones are for load balancers only).
    subnetSelectorTerms: [{ tags: { [clusterTag]: "shared", "kubernetes.io/role/internal-elb": "1" } }],
    // Only the security group EKS creates for the cluster, as on the managed nodes: the Load
    // Balancer Controller needs exactly one group tagged kubernetes.io/cluster/<name> per ENI.
    securityGroupSelectorTerms: [{ tags: { "aws:eks:cluster-name": cluster.eksClusterName } }],
    metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{
      deviceName: "/dev/xvda",
      ebs: { volumeSize: `${cluster.nodes.diskSizeGiB}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true },
    }],
    tags: { "eks-fleet/fleet": fleet.name, "eks-fleet/cluster": cluster.name, [EBS_CSI_CLUSTER_TAG]: cluster.eksClusterName },
  };
}
