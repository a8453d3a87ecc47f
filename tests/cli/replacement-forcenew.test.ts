import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseFleet } from "../../fleet";
import { planFleet } from "../../cli/engine/plan-stack";
import { emptyPlan } from "../../cli/diff/compare-plans";
import { renderDiff } from "../../cli/diff/markdown";
import { REPLACE_ON_CHANGE } from "../../cli/diff/replacement";
import { topologyOf } from "../../cli/diff/topology";
import { PlanDocument, PlanResource } from "../../cli/plan-document";
import { fleetConfig, stackConfig } from "../fixtures/fleets";

const TF = "hashicorp/terraform-provider-aws internal/service/";

/**
 * Input properties the upstream provider replaces a resource for, read there independently
 * of cli/diff/replacement.ts, per type the fleet registers: what a reviewer must see as a
 * replacement in the diff. A property dropped from (or never added to) the diff's table —
 * an instance-type change shown as in place — fails here. Rows: `ForceNew: true` (or a
 * `RequiresReplace()` plan modifier) in the named upstream file; Kubernetes rows from
 * pulumi/pulumi-kubernetes (an object's identity).
 */
const UPSTREAM_FORCE_NEW: Readonly<Record<string, { readonly properties: readonly string[]; readonly source: string }>> = {
  // resource_arn carries stringplanmodifier.RequiresReplace(); the practice-run alarms and windows update in place.
  "aws:arczonalshift/zonalAutoshiftConfiguration:ZonalAutoshiftConfiguration": { properties: ["resourceArn"], source: `${TF}arczonalshift/zonal_autoshift_configuration.go` },
  "aws:eks/nodeGroup:NodeGroup": {
    properties: ["amiType", "capacityType", "clusterName", "diskSize", "instanceTypes", "launchTemplate.id", "launchTemplate.name", "nodeGroupName", "nodeGroupNamePrefix", "nodeRoleArn", "remoteAccess", "subnetIds"],
    source: `${TF}eks/node_group.go`,
  },
  "aws:eks/cluster:Cluster": { properties: ["name", "roleArn"], source: `${TF}eks/cluster.go` },
  "eks:index:Cluster": { properties: ["name"], source: "pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts (passes name to aws.eks.Cluster)" },
  "aws:eks/addon:Addon": { properties: ["addonName", "clusterName"], source: `${TF}eks/addon.go` },
  "aws:eks/accessEntry:AccessEntry": { properties: ["clusterName", "principalArn", "type"], source: `${TF}eks/access_entry.go` },
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": { properties: ["clusterName", "principalArn", "policyArn"], source: `${TF}eks/access_policy_association.go` },
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": { properties: ["clusterName", "namespace", "serviceAccount"], source: `${TF}eks/pod_identity_association.go (RequiresReplace)` },
  "aws:ec2/vpc:Vpc": { properties: ["cidrBlock"], source: `${TF}ec2/vpc_.go` },
  "aws:ec2/subnet:Subnet": { properties: ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId"], source: `${TF}ec2/vpc_subnet.go` },
  "aws:ec2/eip:Eip": { properties: ["domain"], source: `${TF}ec2/ec2_eip.go` },
  "aws:ec2/natGateway:NatGateway": { properties: ["allocationId", "subnetId", "connectivityType"], source: `${TF}ec2/vpc_nat_gateway.go` },
  "aws:ec2/routeTable:RouteTable": { properties: ["vpcId"], source: `${TF}ec2/vpc_route_table.go` },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": { properties: ["subnetId"], source: `${TF}ec2/vpc_route_table_association.go` },
  "aws:ec2/launchTemplate:LaunchTemplate": { properties: ["name"], source: `${TF}ec2/ec2_launch_template.go` },
  "aws:ec2/securityGroup:SecurityGroup": { properties: ["name", "description", "vpcId"], source: `${TF}ec2/vpc_security_group.go` },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { properties: ["securityGroupId"], source: `${TF}ec2/vpc_security_group_ingress_rule.go` },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { properties: ["securityGroupId"], source: `${TF}ec2/vpc_security_group_egress_rule.go (the ingress rule's schema)` },
  "aws:ec2/securityGroupRule:SecurityGroupRule": {
    properties: ["type", "securityGroupId", "protocol", "fromPort", "toPort", "cidrBlocks", "ipv6CidrBlocks", "prefixListIds", "self", "sourceSecurityGroupId"],
    source: `${TF}ec2/vpc_security_group_rule.go`,
  },
  "aws:iam/policy:Policy": { properties: ["name", "namePrefix", "path", "description"], source: `${TF}iam/policy.go` },
  "aws:iam/rolePolicy:RolePolicy": { properties: ["name", "namePrefix", "role"], source: `${TF}iam/role_policy.go` },
  "pulumi:providers:kubernetes": { properties: ["kubeconfig"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go (DiffConfig: another active cluster, or an unknown kubeconfig)" },
  "kubernetes:core/v1:ConfigMap": { properties: ["metadata.name", "metadata.namespace", "data", "binaryData"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (ConfigMap data is immutable unless enableConfigMapMutable)" },
  "aws:iam/role:Role": { properties: ["name", "path"], source: `${TF}iam/role.go` },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { properties: ["role", "policyArn"], source: `${TF}iam/role_policy_attachment.go` },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": { properties: ["url"], source: `${TF}iam/openid_connect_provider.go` },
  "aws:kms/key:Key": { properties: ["keyUsage", "multiRegion", "customerMasterKeySpec"], source: `${TF}kms/key.go` },
  "aws:kms/alias:Alias": { properties: ["name"], source: `${TF}kms/alias.go` },
  "aws:kms/replicaKey:ReplicaKey": { properties: ["primaryKeyArn"], source: `${TF}kms/replica_key.go` },
  "aws:secretsmanager/secret:Secret": { properties: ["name"], source: `${TF}secretsmanager/secret.go` },
  "aws:s3/bucket:Bucket": { properties: ["bucket", "objectLockEnabled"], source: `${TF}s3/bucket.go` },
  "aws:s3/bucketVersioning:BucketVersioning": { properties: ["bucket"], source: `${TF}s3/bucket_versioning.go` },
  "aws:s3/bucketPolicy:BucketPolicy": { properties: ["bucket"], source: `${TF}s3/bucket_policy.go` },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { properties: ["bucket"], source: `${TF}s3/bucket_public_access_block.go` },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": { properties: ["bucket"], source: `${TF}s3/bucket_server_side_encryption_configuration.go` },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": { properties: ["bucket"], source: `${TF}s3/bucket_lifecycle_configuration.go` },
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": { properties: ["bucket"], source: `${TF}s3/bucket_replication_configuration.go` },
  "aws:acm/certificate:Certificate": { properties: ["domainName", "subjectAlternativeNames"], source: `${TF}acm/certificate.go` },
  "aws:acm/certificateValidation:CertificateValidation": { properties: ["certificateArn"], source: `${TF}acm/certificate_validation.go` },
  "aws:cloudwatch/logGroup:LogGroup": { properties: ["name"], source: `${TF}logs/group.go` },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { properties: ["name"], source: `${TF}cloudwatch/metric_alarm.go (alarm_name)` },
  "aws:cloudwatch/eventRule:EventRule": { properties: ["name"], source: `${TF}events/rule.go` },
  "aws:cloudwatch/eventTarget:EventTarget": { properties: ["rule", "targetId"], source: `${TF}events/target.go` },
  "aws:sqs/queue:Queue": { properties: ["name", "fifoQueue"], source: `${TF}sqs/queue.go` },
  "aws:sqs/queuePolicy:QueuePolicy": { properties: ["queueUrl"], source: `${TF}sqs/queue_policy.go` },
  "aws:lb/loadBalancer:LoadBalancer": { properties: ["name", "internal", "loadBalancerType"], source: `${TF}elbv2/load_balancer.go` },
  "aws:lb/targetGroup:TargetGroup": { properties: ["name", "port", "protocol", "vpcId", "targetType"], source: `${TF}elbv2/target_group.go` },
  "aws:lb/listener:Listener": { properties: ["loadBalancerArn"], source: `${TF}elbv2/listener.go` },
  "aws:globalaccelerator/accelerator:Accelerator": { properties: ["ipAddresses"], source: `${TF}globalaccelerator/accelerator.go` },
  "aws:globalaccelerator/listener:Listener": { properties: ["acceleratorArn"], source: `${TF}globalaccelerator/listener.go` },
  "aws:globalaccelerator/endpointGroup:EndpointGroup": { properties: ["listenerArn", "endpointGroupRegion"], source: `${TF}globalaccelerator/endpoint_group.go` },
  "aws:route53/healthCheck:HealthCheck": { properties: ["type", "requestInterval"], source: `${TF}route53/health_check.go` },
  "aws:route53/record:Record": { properties: ["name", "zoneId"], source: `${TF}route53/record.go` },
  "kubernetes:helm.sh/v3:Release": { properties: ["name", "namespace"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/helm_release.go" },
  "kubernetes:core/v1:Secret": { properties: ["metadata.name", "metadata.namespace", "type"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go" },
  "kubernetes:core/v1:SecretPatch": { properties: ["metadata.name", "metadata.namespace"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go" },
  "kubernetes:source.toolkit.fluxcd.io/v1:GitRepository": { properties: ["metadata.name", "metadata.namespace"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go" },
  "kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization": { properties: ["metadata.name", "metadata.namespace"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go" },
  "kubernetes:argoproj.io/v1alpha1:ApplicationSet": { properties: ["metadata.name", "metadata.namespace"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go" },
  "kubernetes:argoproj.io/v1alpha1:AppProject": { properties: ["metadata.name", "metadata.namespace"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (metadataForceNewProperties)" },
  "kubernetes:argoproj.io/v1alpha1:AppProjectPatch": { properties: ["metadata.name", "metadata.namespace"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go (a patch's identity)" },
  ...Object.fromEntries(["ClusterRole", "Role"].map((kind) => [
    `kubernetes:rbac.authorization.k8s.io/v1:${kind}`,
    { properties: ["metadata.name", "metadata.namespace"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (metadataForceNewProperties)" },
  ])),
  ...Object.fromEntries(["ClusterRoleBinding", "RoleBinding"].map((kind) => [
    `kubernetes:rbac.authorization.k8s.io/v1:${kind}`,
    { properties: ["metadata.name", "metadata.namespace", "roleRef"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/diff.go (forceNew rbac.authorization.k8s.io v1: roleBinding .roleRef)" },
  ])),
  ...Object.fromEntries(
    ["notification.toolkit.fluxcd.io/v1:Receiver", "core/v1:Namespace", "core/v1:ServiceAccount", "external-secrets.io/v1:SecretStore", "external-secrets.io/v1:ExternalSecret"].map((kind) => [
      `kubernetes:${kind}`,
      { properties: ["metadata.name"], source: "pulumi/pulumi-kubernetes provider/pkg/provider/provider.go (an object's name is its identity)" },
    ]),
  ),
};

/**
 * Changes the fleet's design makes in place and must keep in place: a failover only swaps
 * a record's target and check, a resize only the node group's scaling, an upgrade only
 * the cluster's version.
 */
const IN_PLACE: Readonly<Record<string, readonly string[]>> = {
  "aws:route53/record:Record": ["records", "healthCheckId", "setIdentifier"],
  "aws:eks/nodeGroup:NodeGroup": ["scalingConfig.desiredSize", "launchTemplate.version", "tags"],
  "aws:route53/healthCheck:HealthCheck": ["resourcePath", "failureThreshold"],
  "eks:index:Cluster": ["version", "publicAccessCidrs"],
  "aws:lb/targetGroup:TargetGroup": ["healthCheck.path"],
  // UpdatePodIdentityAssociation changes the role (eks/pod_identity_association.go, Update).
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": ["roleArn"],
};

const PROD = YAML.parse(fs.readFileSync(path.join(__dirname, "../../Pulumi.prod.yaml"), "utf8")).config["eks-fleet:fleet"];

/** The value at a dotted path, and a copy of `inputs` with a different value there. */
function changedAt(inputs: Record<string, unknown>, dotted: string): Record<string, unknown> {
  const [key, ...rest] = dotted.split(".");
  const value = inputs[key];
  if (rest.length > 0) return { ...inputs, [key]: changedAt(value && typeof value === "object" ? (value as Record<string, unknown>) : {}, rest.join(".")) };
  const different = typeof value === "number" ? value + 1
    : typeof value === "boolean" ? !value
    : Array.isArray(value) ? [...value.slice(1), `${value[0] ?? "x"}-changed`]
    : value && typeof value === "object" ? { ...value, changed: "yes" }
    : `${value ?? "x"}-changed`;
  return { ...inputs, [key]: different };
}

/** `inputs` with a value at `dotted` when it has none: the change below is then of a value, not of a whole block appearing. */
function seeded(inputs: Record<string, unknown>, dotted: string): Record<string, unknown> {
  const [key, ...rest] = dotted.split(".");
  const value = inputs[key];
  if (rest.length === 0) return value === undefined ? { ...inputs, [key]: "initial" } : inputs;
  return { ...inputs, [key]: seeded(value && typeof value === "object" ? (value as Record<string, unknown>) : {}, rest.join(".")) };
}

describe("the diff reports a replacement for every property the provider replaces for", () => {
  const planned = new Map<string, PlanResource>();
  let base: PlanDocument;
  beforeAll(async () => {
    const variant = fleetConfig(3, { dns: { zone: "example.com", record: "api.example.com", globalAccelerator: true } });
    variant.gitops = { ...variant.gitops, engine: "argocd", secretRef: "platform-repo" };
    for (const fleet of [PROD, variant]) {
      const { document } = await planFleet(parseFleet(fleet, "us-east-1"), stackConfig(fleet, "us-east-1", "prod"));
      for (const r of document.resources) if (!planned.has(r.type)) planned.set(r.type, r);
    }
    base = { ...emptyPlan("prod"), clusters: [{ name: "use1", region: "us-east-1", role: "primary" }] };
  }, 60_000);

  /** A planned resource of `type` (or one made up where no fleet registers it), before and after `property` changes. */
  function diffOf(type: string, property: string): { name: string; markdown: string } {
    const found: PlanResource = planned.get(type) ?? { urn: `urn:pulumi:prod::eks-fleet::${type}::example`, stack: "prod", type, name: "example", parent: null, cluster: "use1", region: "us-east-1", dependsOn: [], inputs: {} };
    const resource = { ...found, inputs: seeded(found.inputs, property) };
    const before = { ...base, resources: [resource] };
    const after = { ...base, resources: [{ ...resource, inputs: changedAt(resource.inputs, property) }] };
    const topology = topologyOf(parseFleet(PROD, "us-east-1"));
    const markdown = renderDiff({ base: { label: "base", plan: before, tree: new Map() }, head: { label: "head", plan: after, tree: new Map() }, topology });
    return { name: resource.name, markdown };
  }

  /** Whether the comment's attention list says the resource is replaced because of `property`. */
  const saysReplaced = (markdown: string, name: string, property: string) =>
    markdown.split("\n").some((line) => line.includes(`\`${name}\``) && /\breplace/i.test(line) && line.includes(`\`${property}`));

  it("has an upstream reading for every type the diff's table knows", () => {
    const withRules = Object.entries(REPLACE_ON_CHANGE).filter(([, rule]) => rule.properties.length > 0).map(([type]) => type);
    expect(withRules.filter((type) => !(type in UPSTREAM_FORCE_NEW))).toEqual([]);
  });

  it.each(Object.entries(UPSTREAM_FORCE_NEW).flatMap(([type, { properties }]) => properties.map((p) => [type, p])))("%s: %s (upstream)", (type, property) => {
    const { name, markdown } = diffOf(type, property);
    expect({ type, property, replaced: saysReplaced(markdown, name, property) }).toEqual({ type, property, replaced: true });
  });

  it.each(Object.entries(REPLACE_ON_CHANGE).flatMap(([type, rule]) => rule.properties.map((p) => [type, p])))("%s: %s (the diff's own table)", (type, property) => {
    const { name, markdown } = diffOf(type, property);
    expect({ type, property, replaced: saysReplaced(markdown, name, property) }).toEqual({ type, property, replaced: true });
  });

  it.each(Object.entries(IN_PLACE).flatMap(([type, properties]) => properties.map((p) => [type, p])))("%s: %s stays an update in place", (type, property) => {
    const { name, markdown } = diffOf(type, property);
    expect(markdown).not.toMatch(/\breplaced\b/i);
    expect(markdown).toContain(`\`${name}\``);
  });
});
