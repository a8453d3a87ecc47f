/**
 * Typical time to create one resource of each type on a first `pulumi up`, in seconds: the
 * figures behind the deploy-time estimate, each with where it comes from. They are typical
 * wall times, not the provider's timeouts (the timeouts, quoted as upper bounds, are from
 * hashicorp/terraform-provider-aws `website/docs/r/*.html.markdown`, which the Pulumi AWS
 * provider wraps).
 */
export interface CreationTime {
  readonly seconds: number;
  readonly source: string;
}

const IAM: CreationTime = { seconds: 10, source: "IAM writes return at once, then propagate for seconds; the provider retries until the new role is usable" };
const EC2_METADATA: CreationTime = { seconds: 5, source: "synchronous EC2 API calls (VPC, subnet, route table, gateway attachment, Elastic IP)" };
const S3_SETTING: CreationTime = { seconds: 5, source: "synchronous S3 PUT of a bucket sub-resource" };
const KUBERNETES_OBJECT: CreationTime = { seconds: 5, source: "one server-side apply; Pulumi does not await custom resources' readiness" };

/** Exact resource types. */
const BY_TYPE: Readonly<Record<string, CreationTime>> = {
  "aws:eks/cluster:Cluster": {
    seconds: 900,
    source: "EKS control plane: 13–16 min per region, about 15 min in us-east-1 and us-west-2, measured in 21 regions with identical configurations (\"Unofficial EKS Cluster Creation Performance\", easontechtalk.com); provider create timeout 30 min",
  },
  "aws:eks/nodeGroup:NodeGroup": { seconds: 240, source: "managed node group: ~4 min commonly reported (instances launch and join); provider create timeout 60 min" },
  "aws:eks/addon:Addon": { seconds: 60, source: "EKS add-on: 30–90 s commonly reported until ACTIVE; provider create timeout 20 min" },
  "aws:ec2/natGateway:NatGateway": { seconds: 120, source: "NAT gateway: pending → available in ~1–2 min (VPC User Guide); provider create timeout 10 min" },
  "kubernetes:helm.sh/v3:Release": { seconds: 60, source: "Helm release: ~1 min with the release waiting for its workloads to become ready (provider's default timeout 300 s)" },
  "aws:route53/record:Record": { seconds: 60, source: "Route 53 change reaches INSYNC within 60 s (Route 53 Developer Guide); the provider waits for it" },
  "aws:route53/healthCheck:HealthCheck": { seconds: 5, source: "synchronous Route 53 API call" },
  "aws:secretsmanager/secret:Secret": { seconds: 30, source: "secret with replicas: the provider waits for every replica to be InSync, tens of seconds" },
  "aws:kms/key:Key": { seconds: 10, source: "KMS CreateKey returns at once; the provider waits for the key and its policy to propagate" },
  "aws:kms/replicaKey:ReplicaKey": { seconds: 10, source: "as a KMS key" },
  "aws:s3/bucket:Bucket": { seconds: 5, source: "synchronous S3 CreateBucket" },
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": { seconds: 10, source: "S3 PUT replication, retried while the replication role propagates" },
  "aws:eks/accessEntry:AccessEntry": { seconds: 5, source: "synchronous EKS API call" },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": { seconds: 5, source: "synchronous EKS API call" },
  "aws:ec2/launchTemplate:LaunchTemplate": { seconds: 5, source: "synchronous EC2 API call" },
};

/** Type prefixes, for the types not listed above. */
const BY_PREFIX: readonly [string, CreationTime][] = [
  ["aws:iam/", IAM],
  ["aws:ec2/", EC2_METADATA],
  ["aws:s3/", S3_SETTING],
  ["kubernetes:", KUBERNETES_OBJECT],
  // Providers and components create nothing themselves; their children carry the time.
  ["pulumi:providers:", { seconds: 0, source: "a provider is configuration, created instantly" }],
  ["eks-fleet:", { seconds: 0, source: "a component only groups its children" }],
];

const OTHER_AWS: CreationTime = { seconds: 10, source: "an AWS API call with a short wait, by default" };
const OTHER: CreationTime = { seconds: 5, source: "by default" };

export function creationTime(type: string): CreationTime {
  return BY_TYPE[type] ?? BY_PREFIX.find(([prefix]) => type.startsWith(prefix))?.[1] ?? (type.startsWith("aws:") ? OTHER_AWS : OTHER);
}
