/**
 * Input properties whose change makes the provider replace the resource (delete and create,
 * or create and delete), for every resource type the fleet registers. Every such type needs a
 * row, even one with nothing that forces a replacement (`properties: []`): a type with no row
 * is UNKNOWN, not "updated in place" — `replacingKeys` cannot tell, `hasReplaceRule` says so,
 * and tests/cli/replacement.test.ts fails when a planned AWS or Kubernetes type has no row.
 *
 * Sources: `@pulumi/aws` ships no schema file, so the AWS rows come from the bridged
 * Terraform provider's schema (`ForceNew: true` in hashicorp/terraform-provider-aws
 * `internal/service/<service>/<resource>.go`, or a `RequiresReplace()` plan modifier for a
 * plugin-framework resource), named per row; Pulumi's property names are the camelCase of
 * Terraform's, and a property ForceNew only inside a nested block is listed by its dotted path.
 * Replacements decided by a CustomizeDiff/ModifyPlan function (ForceNewIfChange, a rule's source
 * type switching) are not expressible as key prefixes; the rows say where they exist. Kubernetes
 * rows come from pulumi/pulumi-kubernetes, which replaces an object whose identity (apiVersion
 * group, kind, name, namespace) changes.
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
  "aws:eks/addon:Addon": { properties: ["addonName", "clusterName"], source: `${TF}eks/addon.go` },
  // Plugin-framework resource: RequiresReplace() on resource_arn only; windows, dates, alarms and the status update in place.
  "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration": { properties: ["resourceArn"], source: `${TF}arczonalshift/zonal_autoshift_configuration.go` },
  // The child pulumi-eks creates under eks:index:Cluster. Removing encryptionConfig (1 → 0) also replaces (ForceNewIfChange).
  "aws:eks/cluster:Cluster": {
    properties: [
      "name", "roleArn", "bootstrapSelfManagedAddons", "accessConfig.bootstrapClusterCreatorAdminPermissions",
      "kubernetesNetworkConfig.ipFamily", "kubernetesNetworkConfig.serviceIpv4Cidr",
      "outpostConfig.controlPlaneInstanceType", "outpostConfig.controlPlanePlacement.groupName",
    ],
    source: `${TF}eks/cluster.go`,
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { properties: ["url"], source: `${TF}iam/openid_connect_provider.go` },
  "aws:eks/accessEntry:AccessEntry": { properties: ["clusterName", "principalArn", "type"], source: `${TF}eks/access_entry.go` },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": { properties: ["clusterName", "principalArn", "policyArn", "accessScope"], source: `${TF}eks/access_policy_association.go` },
  // The role can change in place (UpdatePodIdentityAssociation); disableSessionTags too.
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": { properties: ["clusterName", "namespace", "serviceAccount"], source: `${TF}eks/pod_identity_association.go (RequiresReplace)` },
  "aws:ec2/internetGateway:InternetGateway": { properties: [], source: `${TF}ec2/vpc_internet_gateway.go (vpc_id detaches and re-attaches in place)` },
  "aws:ec2/securityGroup:SecurityGroup": { properties: ["name", "namePrefix", "description", "vpcId"], source: `${TF}ec2/vpc_security_group.go` },
  // Plugin-framework resource. Switching the rule's source kind (cidrIpv4 / cidrIpv6 / prefixListId /
  // referencedSecurityGroupId) also replaces, via ModifyPlan; changing the value within one kind is in place.
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { properties: ["securityGroupId"], source: `${TF}ec2/vpc_security_group_ingress_rule.go (RequiresReplace)` },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { properties: ["securityGroupId"], source: `${TF}ec2/vpc_security_group_ingress_rule.go (the rule schema both directions share, RequiresReplace)` },
  "aws:kms/replicaKey:ReplicaKey": { properties: ["primaryKeyArn"], source: `${TF}kms/replica_key.go` },
  "aws:acm/certificate:Certificate": {
    properties: ["domainName", "subjectAlternativeNames", "validationMethod", "validationOptions", "keyAlgorithm", "certificateAuthorityArn"],
    source: `${TF}acm/certificate.go`,
  },
  "aws:acm/certificateValidation:CertificateValidation": { properties: ["certificateArn", "validationRecordFqdns"], source: `${TF}acm/certificate_validation.go` },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { properties: ["name"], source: `${TF}cloudwatch/metric_alarm.go` },
  "aws:cloudwatch/logGroup:LogGroup": { properties: ["name", "namePrefix", "logGroupClass"], source: `${TF}logs/group.go` },
  "aws:cloudwatch/eventRule:EventRule": { properties: ["name", "namePrefix", "eventBusName"], source: `${TF}events/rule.go` },
  "aws:cloudwatch/eventTarget:EventTarget": { properties: ["rule", "eventBusName", "targetId"], source: `${TF}events/target.go` },
  "aws:sqs/queue:Queue": { properties: ["name", "namePrefix", "fifoQueue"], source: `${TF}sqs/queue.go` },
  "aws:sqs/queuePolicy:QueuePolicy": { properties: ["queueUrl"], source: `${TF}sqs/queue_policy.go` },
  "aws:lb/loadBalancer:LoadBalancer": {
    properties: ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"],
    source: `${TF}elbv2/load_balancer.go`,
  },
  "aws:lb/targetGroup:TargetGroup": {
    properties: ["name", "namePrefix", "port", "protocol", "protocolVersion", "vpcId", "targetType", "ipAddressType"],
    source: `${TF}elbv2/target_group.go`,
  },
  "aws:lb/listener:Listener": { properties: ["loadBalancerArn"], source: `${TF}elbv2/listener.go` },
  "aws:globalaccelerator/accelerator:Accelerator": { properties: ["ipAddresses"], source: `${TF}globalaccelerator/accelerator.go` }, // name, ipAddressType, enabled update in place
  "aws:globalaccelerator/listener:Listener": { properties: ["acceleratorArn"], source: `${TF}globalaccelerator/listener.go` },
  "aws:globalaccelerator/endpointGroup:EndpointGroup": { properties: ["listenerArn", "endpointGroupRegion"], source: `${TF}globalaccelerator/endpoint_group.go` },
  "aws:route53/healthCheck:HealthCheck": { properties: ["type", "requestInterval", "measureLatency", "referenceName", "routingControlArn"], source: `${TF}route53/health_check.go` },
  // Re-checked: only name and zone_id are ForceNew. `type` and `set_identifier` are not: the provider
  // sends DELETE + CREATE of the record set in one change batch, an in-place update to Pulumi.
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
  // Server-side-apply patch of an existing Secret (Argo CD repository registration).
  "kubernetes:core/v1:SecretPatch": {
    properties: K8S_IDENTITY.properties,
    source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go (patch identity: .metadata.name, .metadata.namespace) — not confirmed upstream whether Secret's data/type rule also applies to the patch",
  },
  // A read of another stack's outputs (an external resource): read again on every run, never created or replaced.
  "pulumi:pulumi:StackReference": { properties: [], source: "pulumi/pulumi sdk/nodejs/stackReference.ts (registered with `id: name`, a read resource)" },
  // A component the provider expands: never replaced itself; each object it applies is, when its identity changes.
  "kubernetes:yaml/v2:ConfigFile": { properties: [], source: "pulumi/pulumi-kubernetes provider/pkg/provider/yaml/v2/configfile.go (Construct registers the file's objects as children)" },
  "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository": K8S_IDENTITY,
  "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization": K8S_IDENTITY,
  "kubernetes:notification.toolkit.fluxcd.io/v1:Receiver": K8S_IDENTITY,
  "kubernetes:argoproj.io/v1alpha1:ApplicationSet": K8S_IDENTITY,
  "kubernetes:core/v1:Namespace": K8S_IDENTITY,
  "kubernetes:core/v1:ServiceAccount": K8S_IDENTITY,
  "kubernetes:external-secrets.io/v1:SecretStore": K8S_IDENTITY,
  "kubernetes:external-secrets.io/v1:ExternalSecret": K8S_IDENTITY,
  // Argo CD's projects per layer, and the patch that empties `default` (components/argocd-projects.ts).
  "kubernetes:argoproj.io/v1alpha1:AppProject": K8S_IDENTITY,
  "kubernetes:argoproj.io/v1alpha1:AppProjectPatch": {
    properties: K8S_IDENTITY.properties,
    source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go (patch identity: .metadata.name, .metadata.namespace)",
  },
  // The GitOps layers' rights (components/flux-lockdown.ts), and External Secrets' token grants.
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole": K8S_IDENTITY,
  "kubernetes:rbac.authorization.k8s.io/v1:Role": K8S_IDENTITY,
  "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": {
    properties: [...K8S_IDENTITY.properties, "roleRef"],
    source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNewProperties: RoleBinding and ClusterRoleBinding .roleRef)",
  },
  "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": {
    properties: [...K8S_IDENTITY.properties, "roleRef"],
    source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNewProperties: RoleBinding and ClusterRoleBinding .roleRef)",
  },
};

/** Whether `type` has a row; without one, an empty `replacingKeys` means "unknown", not "in place". */
export function hasReplaceRule(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(REPLACE_ON_CHANGE, type);
}

/**
 * The changed keys (`inputs.a.b[0]`) that force `type` to be replaced; empty for an in-place
 * update of a listed type, and empty (unknown) for an unlisted one — check `hasReplaceRule`.
 */
export function replacingKeys(type: string, keys: readonly string[]): string[] {
  if (!hasReplaceRule(type)) return [];
  const rule = REPLACE_ON_CHANGE[type];
  return keys.filter((key) => {
    const path = key.replace(/^inputs\./, "").replace(/\[\d+\]/g, "");
    return rule.properties.some((p) => path === p || path.startsWith(`${p}.`));
  });
}
