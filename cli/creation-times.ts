/**
 * Typical time to create one resource of each type on a first `pulumi up`, in seconds: the
 * figures behind the deploy-time estimate, each with where it comes from and when that was
 * checked. They are typical wall times, not the provider's timeouts (the timeouts, quoted as
 * upper bounds, are from hashicorp/terraform-provider-aws `website/docs/r/*.html.markdown`,
 * which the Pulumi AWS provider wraps).
 */
export interface CreationTime {
  readonly seconds: number;
  readonly source: string;
}

const CHECKED = "checked 2026-12";

/**
 * EKS control planes per region, rounded to 10 s: the 17 regions whose figures "Unofficial EKS
 * Cluster Creation Performance" (easontechtalk.com) lists first of its 21, one creation each.
 */
const EKS_BY_REGION: Readonly<Record<string, number>> = {
  "eu-west-2": 790, "ap-northeast-2": 830, "ap-southeast-2": 840, "eu-west-3": 850, "sa-east-1": 860,
  "ap-northeast-1": 890, "ap-southeast-1": 900, "us-west-2": 900, "us-east-2": 900, "eu-west-1": 910,
  "ca-central-1": 910, "eu-central-1": 920, "eu-north-1": 920, "af-south-1": 940, "ap-south-1": 970,
  "ap-east-1": 970, "us-west-1": 970,
};
/** A region the measurement lists no figure for takes as long as the slowest listed one. */
const EKS_DEFAULT = Math.max(...Object.values(EKS_BY_REGION));
const EKS_SOURCE = `EKS control plane: 13–16 min by region, measured in 21 regions with identical configurations ("Unofficial EKS Cluster Creation Performance", easontechtalk.com, ${CHECKED}; a region not in this table takes the slowest figure in it); provider create timeout 30 min`;

const IAM: CreationTime = { seconds: 10, source: `IAM writes return at once, then propagate for seconds; the provider retries until the new role is usable (${CHECKED})` };
const EC2_METADATA: CreationTime = { seconds: 5, source: `synchronous EC2 API calls (VPC, subnet, route table, gateway attachment, Elastic IP) (${CHECKED})` };
const S3_SETTING: CreationTime = { seconds: 5, source: `synchronous S3 PUT of a bucket sub-resource (${CHECKED})` };
const KUBERNETES_OBJECT: CreationTime = { seconds: 5, source: `one server-side apply; Pulumi does not await custom resources' readiness (${CHECKED})` };

/** Exact resource types. */
const BY_TYPE: Readonly<Record<string, CreationTime>> = {
  "aws:eks/nodeGroup:NodeGroup": { seconds: 240, source: `managed node group: ~4 min commonly reported (instances launch and join); provider create timeout 60 min (${CHECKED})` },
  "aws:eks/addon:Addon": { seconds: 60, source: `EKS add-on: 30–90 s commonly reported until ACTIVE; provider create timeout 20 min (${CHECKED})` },
  "aws:ec2/natGateway:NatGateway": { seconds: 120, source: `NAT gateway: pending → available in ~1–2 min (VPC User Guide); provider create timeout 10 min (${CHECKED})` },
  "kubernetes:helm.sh/v3:Release": {
    seconds: 120,
    source: `Helm release that waits for its workloads to become ready: 1–3 min for the controllers installed here (image pulls on fresh nodes, webhooks, CRDs); pulumi-kubernetes Release waits unless skipAwait, default timeout 300 s (${CHECKED})`,
  },
  "aws:acm/certificateValidation:CertificateValidation": {
    seconds: 300,
    source: `ACM DNS validation: minutes once the CNAME exists; a 5-minute wait occasionally timed out (aws/aws-cdk#2914, raised to 9.5 min); provider create timeout 75 min (terraform-provider-aws internal/service/acm/certificate_validation.go) (${CHECKED})`,
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    seconds: 180,
    source: `load balancer: the provider waits for state active (hashicorp/terraform#10386), about 3 min for an NLB, rarely more than 5 (hashicorp/terraform#24799); provider create timeout 10 min (${CHECKED})`,
  },
  "aws:globalaccelerator/accelerator:Accelerator": { seconds: 180, source: `Global Accelerator: the provider waits for status DEPLOYED, minutes (${CHECKED})` },
  "aws:route53/record:Record": { seconds: 60, source: `Route 53 change reaches INSYNC within 60 s (Route 53 Developer Guide); the provider waits for it (${CHECKED})` },
  "aws:route53/healthCheck:HealthCheck": { seconds: 5, source: `synchronous Route 53 API call (${CHECKED})` },
  "aws:secretsmanager/secret:Secret": { seconds: 30, source: `secret with replicas: the provider waits for every replica to be InSync, tens of seconds (${CHECKED})` },
  "aws:kms/key:Key": { seconds: 10, source: `KMS CreateKey returns at once; the provider waits for the key and its policy to propagate (${CHECKED})` },
  "aws:kms/replicaKey:ReplicaKey": { seconds: 10, source: `as a KMS key (${CHECKED})` },
  "aws:s3/bucket:Bucket": { seconds: 5, source: `synchronous S3 CreateBucket (${CHECKED})` },
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": { seconds: 10, source: `S3 PUT replication, retried while the replication role propagates (${CHECKED})` },
  "aws:eks/accessEntry:AccessEntry": { seconds: 5, source: `synchronous EKS API call (${CHECKED})` },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": { seconds: 5, source: `synchronous EKS API call (${CHECKED})` },
  "aws:ec2/launchTemplate:LaunchTemplate": { seconds: 5, source: `synchronous EC2 API call (${CHECKED})` },
};

/** Type prefixes, for the types not listed above. */
const BY_PREFIX: readonly [string, CreationTime][] = [
  ["aws:iam/", IAM],
  ["aws:ec2/", EC2_METADATA],
  ["aws:vpc/", EC2_METADATA],
  ["aws:s3/", S3_SETTING],
  ["kubernetes:", KUBERNETES_OBJECT],
  // Providers and components create nothing themselves; their children carry the time.
  ["pulumi:providers:", { seconds: 0, source: "a provider is configuration, created instantly" }],
  ["eks-fleet:", { seconds: 0, source: "a component only groups its children" }],
];

const OTHER_AWS: CreationTime = { seconds: 10, source: "an AWS API call with a short wait, by default" };
const OTHER: CreationTime = { seconds: 5, source: "by default" };

/** How long creating a resource of `type` takes, in `region` where that matters (EKS control planes). */
export function creationTime(type: string, region?: string | null): CreationTime {
  if (type === "aws:eks/cluster:Cluster") return { seconds: (region && EKS_BY_REGION[region]) || EKS_DEFAULT, source: EKS_SOURCE };
  return BY_TYPE[type] ?? BY_PREFIX.find(([prefix]) => type.startsWith(prefix))?.[1] ?? (type.startsWith("aws:") ? OTHER_AWS : OTHER);
}
