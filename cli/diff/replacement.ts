/**
 * Input properties whose change makes the provider replace the resource (delete and create,
 * or create and delete), for every resource type the fleet registers. A resource type not
 * listed here is updated in place for every input the program sets.
 *
 * Sources: `@pulumi/aws` ships no schema file, so the AWS rows come from the bridged
 * Terraform provider's schema (`ForceNew: true` in hashicorp/terraform-provider-aws
 * `internal/service/<service>/<resource>.go`), named per row; Pulumi's property names are
 * the camelCase of Terraform's. Kubernetes rows come from pulumi/pulumi-kubernetes, which
 * replaces an object whose identity (apiVersion group, kind, name, namespace) changes.
 */
export interface ReplaceRule {
  /** Input paths (prefixes, dotted, without `inputs.`) whose change forces a replacement. */
  readonly properties: readonly string[];
  /** Where the rule was read. */
  readonly source: string;
}

const TF = "hashicorp/terraform-provider-aws internal/service/";
// apiVersion/kind are not force-new fields: changing them changes the type token, so the engine creates and deletes.
const K8S_IDENTITY: ReplaceRule = {
  properties: ["metadata.name", "metadata.namespace"],
  source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go, diff.go (forceNewProperties: .metadata.name, .metadata.namespace)",
};

export const REPLACE_ON_CHANGE: Readonly<Record<string, ReplaceRule>> = {
  "aws:s3/bucket:Bucket": { properties: ["bucket", "bucketPrefix", "objectLockEnabled"], source: `${TF}s3/bucket.go` },
  "aws:s3/bucketVersioning:BucketVersioning": { properties: ["bucket", "expectedBucketOwner"], source: `${TF}s3/bucket_versioning.go` },
  "aws:s3/bucketPolicy:BucketPolicy": { properties: ["bucket"], source: `${TF}s3/bucket_policy.go` },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { properties: ["bucket"], source: `${TF}s3/bucket_public_access_block.go` },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": { properties: ["bucket", "expectedBucketOwner"], source: `${TF}s3/bucket_server_side_encryption_configuration.go` },
  // Plugin-framework resource: RequiresReplace() plays the part of ForceNew.
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": { properties: ["bucket", "expectedBucketOwner"], source: `${TF}s3/bucket_lifecycle_configuration.go` },
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": { properties: ["bucket"], source: `${TF}s3/bucket_replication_configuration.go` },
  "aws:kms/key:Key": { properties: ["customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"], source: `${TF}kms/key.go` },
  "aws:kms/alias:Alias": { properties: ["name", "namePrefix"], source: `${TF}kms/alias.go` },
  "aws:secretsmanager/secret:Secret": { properties: ["name", "namePrefix"], source: `${TF}secretsmanager/secret.go` },
  "aws:iam/role:Role": { properties: ["name", "namePrefix", "path"], source: `${TF}iam/role.go` },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { properties: ["role", "policyArn"], source: `${TF}iam/role_policy_attachment.go` },
  "aws:ec2/vpc:Vpc": { properties: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"], source: `${TF}ec2/vpc_.go` },
  "aws:ec2/subnet:Subnet": { properties: ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "ipv6Native", "outpostArn"], source: `${TF}ec2/vpc_subnet.go` },
  "aws:ec2/eip:Eip": { properties: ["address", "domain", "ipamPoolId", "publicIpv4Pool", "networkBorderGroup"], source: `${TF}ec2/ec2_eip.go` },
  "aws:ec2/natGateway:NatGateway": { properties: ["allocationId", "subnetId", "connectivityType", "privateIp", "secondaryPrivateIpAddressCount"], source: `${TF}ec2/vpc_nat_gateway.go` },
  "aws:ec2/routeTable:RouteTable": { properties: ["vpcId"], source: `${TF}ec2/vpc_route_table.go` },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": { properties: ["subnetId", "gatewayId"], source: `${TF}ec2/vpc_route_table_association.go` },
  "aws:ec2/launchTemplate:LaunchTemplate": { properties: ["name", "namePrefix"], source: `${TF}ec2/ec2_launch_template.go` },
  "aws:eks/nodeGroup:NodeGroup": {
    properties: ["amiType", "capacityType", "clusterName", "diskSize", "instanceTypes", "launchTemplate.id", "launchTemplate.name", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "remoteAccess", "subnetIds"],
    source: `${TF}eks/node_group.go`,
  },
  "aws:eks/accessEntry:AccessEntry": { properties: ["clusterName", "principalArn", "type"], source: `${TF}eks/access_entry.go` },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": { properties: ["clusterName", "principalArn", "policyArn", "accessScope"], source: `${TF}eks/access_policy_association.go` },
  "aws:route53/healthCheck:HealthCheck": { properties: ["type", "requestInterval", "measureLatency", "referenceName", "routingControlArn"], source: `${TF}route53/health_check.go` },
  // `set_identifier` is not ForceNew: the provider sends DELETE + CREATE in one change batch.
  "aws:route53/record:Record": { properties: ["name", "zoneId"], source: `${TF}route53/record.go` },
  // pulumi-eks passes these to aws.eks.Cluster, where `name`, `role_arn` and the service CIDR/IP family are ForceNew.
  // Not listed: bootstrapSelfManagedAddons (ForceNew upstream, but pulumi-eks ignoreChanges it), and removing
  // encryptionConfigKeyArn (ForceNewIfChange on encryption_config 1 → 0, not expressible as a key prefix).
  "eks:index:Cluster": {
    properties: ["name", "serviceRole", "kubernetesServiceIpAddressRange", "ipFamily"],
    source: `pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts → ${TF}eks/cluster.go`,
  },
  "kubernetes:helm.sh/v3:Release": { properties: ["name", "namespace"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/helm_release.go (release identity)" },
  // type always; data/stringData too unless the provider sets enableSecretMutable (the fleet's providers do not).
  "kubernetes:core/v1:Secret": {
    properties: [...K8S_IDENTITY.properties, "type", "data", "stringData"],
    source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNewProperties: Secret .type, .data, .stringData)",
  },
  "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository": K8S_IDENTITY,
  "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization": K8S_IDENTITY,
  "kubernetes:argoproj.io/v1alpha1:ApplicationSet": K8S_IDENTITY,
};

/** The changed keys (`inputs.a.b[0]`) that force `type` to be replaced; empty for an in-place update. */
export function replacingKeys(type: string, keys: readonly string[]): string[] {
  const rule = REPLACE_ON_CHANGE[type];
  if (!rule) return [];
  return keys.filter((key) => {
    const path = key.replace(/^inputs\./, "").replace(/\[\d+\]/g, "");
    return rule.properties.some((p) => path === p || path.startsWith(`${p}.`));
  });
}
