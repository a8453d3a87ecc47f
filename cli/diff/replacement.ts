/**
 * Input properties whose change makes the provider replace the resource (delete and create,
 * or create and delete), for every resource type the fleet registers. Every such type needs a
 * row, even one with nothing that forces a replacement (`properties: []`): a type with no row
 * is UNKNOWN, not "updated in place" — `replacingKeys` cannot tell, `hasReplaceRule` says so,
 * the diff shows it as "may replace", and tests/cli/replacement.test.ts fails when a planned
 * AWS or Kubernetes type has no row. The offline engine derives each resource's identity (its
 * ID and the outputs a replacement changes) from the same `properties` (cli/engine/mock-state.ts),
 * so a replacement reaches everything that reads those outputs, as in a real `pulumi up`.
 *
 * Sources: `@pulumi/aws` ships no schema file, so the AWS rows come from the bridged
 * Terraform provider's schema (`ForceNew: true` in hashicorp/terraform-provider-aws
 * `internal/service/<service>/<resource>.go`, or a `RequiresReplace()` plan modifier for a
 * plugin-framework resource), named per row; Pulumi's property names are the camelCase of
 * Terraform's, and a property ForceNew only inside a nested block is listed by its dotted path.
 * Replacements a CustomizeDiff function decides from the old and new values (ForceNewIfChange,
 * a network load balancer losing a subnet) are `replaceWhen` tests; changes the provider makes
 * in place but the service refuses are `refusedInPlace`. Kubernetes rows come from
 * pulumi/pulumi-kubernetes, which replaces an object whose identity (apiVersion group, kind,
 * name, namespace) changes.
 */
export interface ReplaceRule {
  /** Input paths (prefixes, dotted, without `inputs.`) whose change forces a replacement. */
  readonly properties: readonly string[];
  /** Replacements decided from the old and new values of one input (a provider's CustomizeDiff). */
  readonly replaceWhen?: readonly ReplaceWhen[];
  /** In-place updates the provider plans but the service refuses: `pulumi up` fails there. */
  readonly refusedInPlace?: readonly RefusedChange[];
  /** Where the rule was read. */
  readonly source: string;
}

export interface ReplaceWhen {
  /** The input path whose change is tested. */
  readonly property: string;
  /** Whether going from `before` to `after` (whole inputs) replaces the resource. */
  readonly test: (before: Record<string, any>, after: Record<string, any>) => boolean;
  /** Why, for the reader: "a network load balancer cannot lose a subnet". */
  readonly reason: string;
}

export interface RefusedChange {
  readonly property: string;
  /** Refused only when the new value comes from a replaced resource of this type; else always. */
  readonly whenFromReplaced?: string;
  readonly reason: string;
  readonly source: string;
}

const TF = "hashicorp/terraform-provider-aws internal/service/";
const EKS_GUIDE = "awsdocs/amazon-eks-user-guide latest/ug/";
// apiVersion/kind are not force-new fields: changing them changes the type token, so the engine creates and deletes.
const K8S_IDENTITY: ReplaceRule = {
  properties: ["metadata.name", "metadata.namespace"],
  source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNewProperties: .metadata.name, .metadata.namespace)",
};

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value === undefined || value === null ? [] : [String(value)]);
/** customizeDiffLoadBalancerNLB: a network load balancer cannot lose a subnet, nor gain its first or lose its last security group. */
const nlb = (i: Record<string, any>) => i.loadBalancerType === "network";
const EKS_SAME_VPC = `${EKS_GUIDE}networking/network-reqs.adoc ("the subnets must be in the same VPC as the original subnets"), clusters/create-cluster.adoc ("You can't change which VPC you want to use after cluster creation")`;

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
  "aws:kms/replicaKey:ReplicaKey": { properties: ["primaryKeyArn"], source: `${TF}kms/replica_key.go` },
  "aws:secretsmanager/secret:Secret": { properties: ["name", "namePrefix"], source: `${TF}secretsmanager/secret.go` },
  "aws:iam/role:Role": { properties: ["name", "namePrefix", "path"], source: `${TF}iam/role.go` },
  "aws:iam/policy:Policy": { properties: ["name", "namePrefix", "path", "description"], source: `${TF}iam/policy.go` },
  "aws:iam/rolePolicy:RolePolicy": { properties: ["name", "namePrefix", "role"], source: `${TF}iam/role_policy.go` },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { properties: ["role", "policyArn"], source: `${TF}iam/role_policy_attachment.go` },
  // client_id_list and thumbprint_list are updated in place.
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { properties: ["url"], source: `${TF}iam/openid_connect_provider.go` },
  "aws:ec2/vpc:Vpc": { properties: ["cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"], source: `${TF}ec2/vpc_.go` },
  "aws:ec2/subnet:Subnet": { properties: ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "ipv6Native", "outpostArn"], source: `${TF}ec2/vpc_subnet.go` },
  "aws:ec2/eip:Eip": { properties: ["address", "domain", "ipamPoolId", "publicIpv4Pool", "networkBorderGroup"], source: `${TF}ec2/ec2_eip.go` },
  "aws:ec2/natGateway:NatGateway": { properties: ["allocationId", "subnetId", "connectivityType", "privateIp", "secondaryPrivateIpAddressCount"], source: `${TF}ec2/vpc_nat_gateway.go` },
  "aws:ec2/internetGateway:InternetGateway": { properties: [], source: `${TF}ec2/vpc_internet_gateway.go (vpc_id detaches and re-attaches in place)` },
  "aws:ec2/routeTable:RouteTable": { properties: ["vpcId"], source: `${TF}ec2/vpc_route_table.go` },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": { properties: ["subnetId", "gatewayId"], source: `${TF}ec2/vpc_route_table_association.go` },
  "aws:ec2/securityGroup:SecurityGroup": { properties: ["name", "namePrefix", "description", "vpcId"], source: `${TF}ec2/vpc_security_group.go` },
  "aws:ec2/securityGroupRule:SecurityGroupRule": {
    properties: ["type", "securityGroupId", "protocol", "fromPort", "toPort", "cidrBlocks", "ipv6CidrBlocks", "prefixListIds", "self", "sourceSecurityGroupId"],
    source: `${TF}ec2/vpc_security_group_rule.go (description updates in place)`,
  },
  // Plugin-framework resources. Switching the rule's source kind (cidrIpv4 / cidrIpv6 / prefixListId /
  // referencedSecurityGroupId) also replaces, via ModifyPlan; changing the value within one kind is in place.
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    properties: ["securityGroupId"],
    replaceWhen: [{ property: "(source kind)", test: ruleSourceKindChanges, reason: "the rule's source switches kind (CIDR, prefix list, security group)" }],
    source: `${TF}ec2/vpc_security_group_ingress_rule.go (RequiresReplace, ModifyPlan)`,
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    properties: ["securityGroupId"],
    replaceWhen: [{ property: "(destination kind)", test: ruleSourceKindChanges, reason: "the rule's destination switches kind (CIDR, prefix list, security group)" }],
    source: `${TF}ec2/vpc_security_group_egress_rule.go (the ingress rule's resource, RequiresReplace, ModifyPlan)`,
  },
  // A content change creates a new launch template version in place (update_keys in resourceLaunchTemplateUpdate).
  "aws:ec2/launchTemplate:LaunchTemplate": { properties: ["name", "namePrefix"], source: `${TF}ec2/ec2_launch_template.go` },
  // launch_template.version, version and release_version are updated in place (UpdateNodegroupVersion: a node rollout).
  "aws:eks/nodeGroup:NodeGroup": {
    properties: ["amiType", "capacityType", "clusterName", "diskSize", "instanceTypes", "launchTemplate.id", "launchTemplate.name", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "remoteAccess", "subnetIds"],
    source: `${TF}eks/node_group.go`,
  },
  "aws:eks/addon:Addon": { properties: ["addonName", "clusterName"], source: `${TF}eks/addon.go` },
  // Plugin-framework resource: RequiresReplace() on resource_arn only; windows, dates, alarms and the status update in place.
  "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration": { properties: ["resourceArn"], source: `${TF}arczonalshift/zonal_autoshift_configuration.go` },
  // vpc_config.subnet_ids and security_group_ids are updated in place since provider v5.25 (UpdateClusterConfig),
  // but EKS keeps a cluster in the VPC it was created in. Removing encryption_config replaces (ForceNewIfChange 1 → 0).
  "aws:eks/cluster:Cluster": {
    properties: [
      "name", "roleArn", "bootstrapSelfManagedAddons", "accessConfig.bootstrapClusterCreatorAdminPermissions",
      "kubernetesNetworkConfig.ipFamily", "kubernetesNetworkConfig.serviceIpv4Cidr",
      "outpostConfig.controlPlaneInstanceType", "outpostConfig.controlPlanePlacement.groupName", "remoteNetworkConfig",
    ],
    replaceWhen: [{ property: "encryptionConfig", test: (b, a) => list(b.encryptionConfig).length > 0 && list(a.encryptionConfig).length === 0, reason: "envelope encryption cannot be turned off" }],
    refusedInPlace: [
      { property: "vpcConfig.subnetIds", whenFromReplaced: "aws:ec2/vpc:Vpc", reason: "EKS cannot move a cluster to another VPC", source: EKS_SAME_VPC },
      { property: "vpcConfig.securityGroupIds", whenFromReplaced: "aws:ec2/vpc:Vpc", reason: "EKS cannot move a cluster to another VPC", source: EKS_SAME_VPC },
    ],
    source: `${TF}eks/cluster.go`,
  },
  "aws:eks/accessEntry:AccessEntry": { properties: ["clusterName", "principalArn", "type"], source: `${TF}eks/access_entry.go` },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": { properties: ["clusterName", "principalArn", "policyArn", "accessScope"], source: `${TF}eks/access_policy_association.go` },
  // The role can change in place (UpdatePodIdentityAssociation); disableSessionTags too.
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": { properties: ["clusterName", "namespace", "serviceAccount"], source: `${TF}eks/pod_identity_association.go (RequiresReplace)` },
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
    replaceWhen: [
      { property: "subnets", test: (b, a) => nlb(a) && list(b.subnets).some((s) => !list(a.subnets).includes(s)), reason: "a network load balancer cannot lose a subnet" },
      { property: "securityGroups", test: (b, a) => nlb(a) && (list(b.securityGroups).length === 0) !== (list(a.securityGroups).length === 0), reason: "a network load balancer cannot gain its first or lose its last security group" },
    ],
    source: `${TF}elbv2/load_balancer.go (customizeDiffLoadBalancerNLB)`,
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
  // Only name and zone_id are ForceNew. `type` and `set_identifier` are not: the provider sends
  // DELETE + CREATE of the record set in one change batch, an in-place update to Pulumi.
  "aws:route53/record:Record": { properties: ["name", "zoneId"], source: `${TF}route53/record.go` },
  // pulumi-eks passes these to aws.eks.Cluster, where `name`, `role_arn` and the service CIDR/IP family are ForceNew.
  // Not listed: bootstrapSelfManagedAddons (ForceNew upstream, but pulumi-eks ignoreChanges it). Its subnets
  // and cluster security group follow `vpcId`, and EKS cannot move a cluster to another VPC.
  "eks:index:Cluster": {
    properties: ["name", "serviceRole", "kubernetesServiceIpAddressRange", "ipFamily"],
    replaceWhen: [{ property: "encryptionConfigKeyArn", test: (b, a) => !!b.encryptionConfigKeyArn && !a.encryptionConfigKeyArn, reason: "envelope encryption cannot be turned off" }],
    refusedInPlace: [{ property: "vpcId", reason: "EKS cannot move a cluster to another VPC", source: EKS_SAME_VPC }],
    source: `pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts → ${TF}eks/cluster.go`,
  },
  // The provider itself: replaced when its kubeconfig's active cluster changes or is unknown (a replaced
  // cluster's endpoint), and with it every object it manages. The plan hides the kubeconfig: cli/diff/dependents.ts.
  "pulumi:providers:kubernetes": {
    properties: ["kubeconfig", "cluster", "context", "renderYamlToDirectory"],
    source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go (DiffConfig: replaces when the active cluster changes or the kubeconfig is unknown, or renderYamlToDirectory changes)",
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
  "kubernetes:core/v1:ConfigMap": {
    properties: [...K8S_IDENTITY.properties, "binaryData", "data"],
    source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNewProperties: ConfigMap .binaryData, .data unless enableConfigMapMutable)",
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

/** vpc_security_group_{ingress,egress}_rule ModifyPlan: a rule whose source switches kind is replaced. */
function ruleSourceKindChanges(before: Record<string, any>, after: Record<string, any>): boolean {
  const kind = (i: Record<string, any>) => ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"].filter((k) => i[k] !== undefined).join();
  return kind(before) !== kind(after);
}

/** Whether `type` has a row; without one, an empty `replacingKeys` means "unknown", not "in place". */
export function hasReplaceRule(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(REPLACE_ON_CHANGE, type);
}

/** `inputs.a.b[0]` → `a.b`: the path a rule names. */
const rulePath = (key: string) => key.replace(/^inputs\./, "").replace(/\[\d+\]/g, "");
const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}.`);

/**
 * The changed keys (`inputs.a.b[0]`) that force `type` to be replaced; empty for an in-place
 * update of a listed type, and empty (unknown) for an unlisted one — check `hasReplaceRule`.
 * `extra` are further paths that force it (the `replaceOnChanges` resource option; `*` is every path).
 */
export function replacingKeys(type: string, keys: readonly string[], extra: readonly string[] = []): string[] {
  const properties = [...(hasReplaceRule(type) ? REPLACE_ON_CHANGE[type].properties : []), ...extra];
  return keys.filter((key) => properties.some((p) => p === "*" || under(rulePath(key), p)));
}

/** The `replaceWhen` tests that hold for going from `before` to `after` inputs. */
export function conditionalReplacements(type: string, before: Record<string, unknown>, after: Record<string, unknown>): ReplaceWhen[] {
  return (REPLACE_ON_CHANGE[type]?.replaceWhen ?? []).filter((rule) => hasReplaceRule(type) && rule.test(before, after));
}

/** The `refusedInPlace` rules a changed key falls under. */
export function refusals(type: string, key: string): RefusedChange[] {
  return hasReplaceRule(type) ? (REPLACE_ON_CHANGE[type].refusedInPlace ?? []).filter((r) => under(rulePath(key), r.property)) : [];
}

/**
 * The values a resource's identity stands on: its replace-forcing inputs (and `extra` paths), in
 * the table's order. The offline engine derives IDs and generated outputs from them, so whatever
 * replaces a resource also gives it a new identity. Empty for a type without a row.
 */
export function identityInputs(type: string, inputs: Record<string, unknown>, extra: readonly string[] = []): unknown[] {
  const properties = [...(hasReplaceRule(type) ? REPLACE_ON_CHANGE[type].properties : []), ...extra];
  return properties.map((p) => (p === "*" ? inputs : p.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), inputs)));
}

/**
 * Inputs the AWS provider fills in itself when the program leaves them out: `name` of every type
 * that takes one (pulumi/pulumi-aws provider/resources.go, setAutonaming), an S3 bucket's `bucket`
 * (AutoNameTransform there). Not a Route 53 record's name, which the SDK requires (@pulumi/aws
 * route53/record.d.ts: no auto-name); tests/cli/replacement.test.ts reads the SDK's types for every
 * planned type that takes a `name`.
 */
const AUTO_NAMED: Readonly<Record<string, readonly string[]>> = {
  "aws:s3/bucket:Bucket": ["bucket"],
  "aws:s3/bucketV2:BucketV2": ["bucket"],
  "aws:route53/record:Record": [],
};

export function autoNamedInputs(type: string): readonly string[] {
  if (!type.startsWith("aws:")) return [];
  return Object.prototype.hasOwnProperty.call(AUTO_NAMED, type) ? AUTO_NAMED[type] : ["name"];
}

/**
 * Why a replaced resource is deleted before its replacement exists, if it is: the
 * `deleteBeforeReplace` option, or an auto-nameable input the program sets, since two resources
 * cannot share the name (pulumi/pulumi-terraform-bridge pkg/tfbridge/schema.go,
 * nameRequiresDeleteBeforeReplace: the provider's Diff asks for delete-before-replace then).
 */
export function deletedFirst(r: { readonly type: string; readonly inputs: Record<string, unknown>; readonly deleteBeforeReplace?: boolean }): string | undefined {
  if (r.deleteBeforeReplace) return "`deleteBeforeReplace`";
  const named = autoNamedInputs(r.type).find((p) => typeof r.inputs[p] === "string");
  return named ? `its \`${named}\` is fixed, so the provider deletes it first` : undefined;
}
