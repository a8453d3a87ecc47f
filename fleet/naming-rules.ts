/**
 * The naming rules of every AWS service this program names something in, in one table, each
 * with where it is written down. `nameProblem` checks a name against its rule; the fleet's
 * config is refused at parse time when a name the program would make breaks one
 * (`aws-names.ts`), and a property test checks every name in plan.json against this table.
 */
export interface NamingRule {
  /** What the name is, as a sentence's subject: "an S3 bucket name". */
  readonly what: string;
  readonly minLength: number;
  readonly maxLength: number;
  /** The characters (and shape) allowed, as a pattern over the whole name. */
  readonly pattern: RegExp;
  /** The pattern in words, for the message. */
  readonly allowed: string;
  readonly reservedPrefixes?: readonly string[];
  readonly reservedSuffixes?: readonly string[];
  /** Any other rule, as the reason the name breaks it. */
  readonly other?: (name: string) => string | undefined;
  /** The name as the rule counts it (a DNS name's trailing dot is not part of its length). */
  readonly normalize?: (name: string) => string;
  /** Where the rule is written down. */
  readonly source: string;
}

/** Letters, digits, spaces and `_ . : / = + - @`: the characters every service accepts in a tag. */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export const NAMING_RULES = {
  s3Bucket: {
    what: "an S3 bucket name",
    minLength: 3,
    maxLength: 63,
    pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    allowed: "lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
    reservedPrefixes: ["xn--", "sthree-", "amzn-s3-demo-"],
    reservedSuffixes: ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"],
    other: (name) => (name.includes("..") ? "has two adjacent periods" : /^\d+\.\d+\.\d+\.\d+$/.test(name) ? "is formatted as an IP address" : undefined),
    source: "Amazon S3 User Guide, \"General purpose bucket naming rules\"",
  },
  loadBalancer: {
    what: "a load balancer name",
    minLength: 1,
    maxLength: 32,
    pattern: /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/,
    allowed: "letters, digits and '-', not starting or ending with '-'",
    reservedPrefixes: ["internal-"],
    source: "Elastic Load Balancing API Reference (v2), CreateLoadBalancer: Name",
  },
  targetGroup: {
    what: "a target group name",
    minLength: 1,
    maxLength: 32,
    pattern: /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/,
    allowed: "letters, digits and '-', not starting or ending with '-'",
    source: "Elastic Load Balancing API Reference (v2), CreateTargetGroup: Name",
  },
  eventRule: {
    what: "an EventBridge rule name",
    minLength: 1,
    maxLength: 64,
    pattern: /^[0-9A-Za-z_.-]+$/,
    allowed: "letters, digits, '.', '_' and '-'",
    source: "Amazon EventBridge API Reference, PutRule: Name (hashicorp/terraform-provider-aws internal/service/events/validate.go)",
  },
  eventTarget: {
    what: "an EventBridge target ID",
    minLength: 1,
    maxLength: 64,
    pattern: /^[0-9A-Za-z_.-]+$/,
    allowed: "letters, digits, '.', '_' and '-'",
    source: "Amazon EventBridge API Reference, Target: Id (hashicorp/terraform-provider-aws internal/service/events/validate.go)",
  },
  iamRole: {
    what: "an IAM role name",
    minLength: 1,
    maxLength: 64,
    pattern: /^[\w+=,.@-]+$/,
    allowed: "letters, digits and '+=,.@_-'",
    source: "IAM API Reference, CreateRole: RoleName",
  },
  iamInlinePolicy: {
    what: "an IAM inline policy name",
    minLength: 1,
    maxLength: 128,
    pattern: /^[\w+=,.@-]+$/,
    allowed: "letters, digits and '+=,.@_-'",
    source: "IAM API Reference, PutRolePolicy: PolicyName",
  },
  kmsAlias: {
    what: "a KMS alias",
    minLength: 1,
    maxLength: 256,
    pattern: /^alias\/[A-Za-z0-9/_-]+$/,
    allowed: "'alias/' then letters, digits and '/_-'",
    reservedPrefixes: ["alias/aws/"],
    source: "AWS KMS Developer Guide, \"Create aliases\"",
  },
  secret: {
    what: "a Secrets Manager secret name",
    minLength: 1,
    maxLength: 512,
    pattern: /^[A-Za-z0-9/_+=.@-]+$/,
    allowed: "letters, digits and '/_+=.@-'",
    // Secrets Manager appends '-' and six random characters to every secret's ARN.
    other: (name) => (/-[A-Za-z0-9]{6}$/.test(name) ? "ends with '-' and six characters, which partial-ARN matching (IAM policies, External Secrets) mistakes for the ARN's random suffix" : undefined),
    source: "AWS Secrets Manager API Reference, CreateSecret: Name",
  },
  sqsQueue: {
    what: "an SQS queue name",
    minLength: 1,
    maxLength: 80,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: "letters, digits, '_' and '-'",
    source: "Amazon SQS API Reference, CreateQueue: QueueName",
  },
  metricAlarm: {
    what: "a CloudWatch alarm name",
    minLength: 1,
    maxLength: 255,
    pattern: /^[^\x00-\x1f\x7f]+$/,
    allowed: "printable characters",
    source: "Amazon CloudWatch API Reference, PutMetricAlarm: AlarmName",
  },
  logGroup: {
    what: "a CloudWatch log group name",
    minLength: 1,
    maxLength: 512,
    pattern: /^[.\-_/#A-Za-z0-9]+$/,
    allowed: "letters, digits and '._-/#'",
    source: "Amazon CloudWatch Logs API Reference, CreateLogGroup: logGroupName",
  },
  eksCluster: {
    what: "an EKS cluster name",
    minLength: 1,
    maxLength: 100,
    pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
    allowed: "letters, digits, '_' and '-', starting with a letter or digit",
    source: "Amazon EKS API Reference, CreateCluster: name",
  },
  eksNodeGroup: {
    what: "an EKS node group name",
    minLength: 1,
    maxLength: 63,
    pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/,
    allowed: "letters, digits, '_' and '-', starting with a letter or digit",
    source: "Amazon EKS API Reference, CreateNodegroup: nodegroupName (@pulumi/aws eks.NodeGroup nodeGroupName)",
  },
  launchTemplate: {
    what: "a launch template name",
    minLength: 3,
    maxLength: 128,
    pattern: /^[a-zA-Z0-9().\-/_]+$/,
    allowed: "letters, digits and '()./_-'",
    source: "Amazon EC2 API Reference, CreateLaunchTemplate: LaunchTemplateName",
  },
  securityGroup: {
    what: "a security group name",
    minLength: 1,
    maxLength: 255,
    pattern: /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
    allowed: "letters, digits, spaces and '._-:/()#,@[]+=&;{}!$*'",
    reservedPrefixes: ["sg-"],
    source: "Amazon EC2 API Reference, CreateSecurityGroup: GroupName",
  },
  accelerator: {
    what: "a Global Accelerator name",
    minLength: 1,
    maxLength: 64,
    pattern: /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/,
    allowed: "letters, digits, '.' and '-', not starting or ending with '.' or '-'",
    source: "AWS Global Accelerator API Reference, CreateAccelerator: Name",
  },
  certificateDomain: {
    what: "a certificate's first domain name",
    minLength: 1,
    maxLength: 64,
    pattern: /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]+$/,
    allowed: "a DNS name, optionally starting with '*.'",
    source: "AWS Certificate Manager API Reference, RequestCertificate: DomainName (the Common Name, RFC 5280)",
  },
  dnsName: {
    what: "a DNS name",
    minLength: 1,
    maxLength: 253,
    pattern: /^([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$/,
    allowed: "labels of at most 63 letters, digits, '_' and '-'",
    normalize: (name) => name.replace(/\.$/, ""),
    source: "Amazon Route 53 Developer Guide, \"DNS domain name format\" (255 bytes on the wire)",
  },
  tagKey: {
    what: "a tag key",
    minLength: 1,
    maxLength: 128,
    pattern: TAG_CHARACTERS,
    allowed: "letters, digits, spaces and '_.:/=+-@'",
    reservedPrefixes: ["aws:"],
    source: "Tagging AWS Resources, \"Tag naming limits and requirements\"; ACM API Reference, Tag",
  },
  tagValue: {
    what: "a tag value",
    minLength: 0,
    maxLength: 256,
    pattern: TAG_CHARACTERS,
    allowed: "letters, digits, spaces and '_.:/=+-@'",
    source: "Tagging AWS Resources, \"Tag naming limits and requirements\"; ACM API Reference, Tag",
  },
  route53TagValue: {
    what: "a Route 53 tag value",
    minLength: 0,
    maxLength: 256,
    pattern: /^[^\x00-\x1f\x7f]*$/,
    allowed: "printable characters",
    source: "Amazon Route 53 API Reference, Tag: Value",
  },
} satisfies Record<string, NamingRule>;

export type RuleId = keyof typeof NAMING_RULES;

/** Why `name` breaks the rule `id`, or undefined when AWS accepts it. */
export function nameProblem(id: RuleId, given: string): string | undefined {
  const rule: NamingRule = NAMING_RULES[id];
  const name = rule.normalize ? rule.normalize(given) : given;
  const length = [...name].length;
  if (length < rule.minLength) return `is shorter than the ${rule.minLength} characters of ${rule.what}`;
  if (length > rule.maxLength) return `is ${length} characters; ${rule.what} has at most ${rule.maxLength}`;
  const prefix = rule.reservedPrefixes?.find((p) => name.startsWith(p));
  if (prefix) return `starts with '${prefix}', which AWS reserves for ${rule.what}`;
  const suffix = rule.reservedSuffixes?.find((s) => name.endsWith(s));
  if (suffix) return `ends with '${suffix}', which AWS reserves for ${rule.what}`;
  if (!rule.pattern.test(name)) return `is not ${rule.what}: ${rule.allowed}`;
  return rule.other?.(name);
}

/** Where a resource's name sits among its inputs (`inlinePolicies[].name`: in every item of a list) and its rule. */
export interface NameInput {
  readonly path: string;
  readonly rule: RuleId;
  /** Left out by the program: Pulumi generates it from the logical name (`autoName`). */
  readonly autoNamed?: boolean;
}

/**
 * Every AWS resource type the program creates, with the inputs that name it. A name the
 * program leaves out is the one Pulumi generates: the logical name, '-' and seven random hex
 * characters (pulumi/pulumi-terraform-bridge `pkg/tfbridge/names.go` `AutoName`; which inputs
 * are auto-named: pulumi/pulumi-aws `provider/resources.go`). Types that carry no name are
 * listed too, with none, so that a type the program starts to create must be placed here
 * (tests/fleet/aws-names.test.ts fails on one that is not). Tags are checked on every type.
 */
export const RESOURCE_NAMES: Readonly<Record<string, readonly NameInput[]>> = {
  "aws:s3/bucket:Bucket": [{ path: "bucket", rule: "s3Bucket" }],
  "aws:lb/loadBalancer:LoadBalancer": [{ path: "name", rule: "loadBalancer" }],
  "aws:lb/targetGroup:TargetGroup": [{ path: "name", rule: "targetGroup" }],
  "aws:cloudwatch/eventRule:EventRule": [{ path: "name", rule: "eventRule", autoNamed: true }],
  "aws:cloudwatch/eventTarget:EventTarget": [{ path: "targetId", rule: "eventTarget", autoNamed: true }],
  "aws:iam/role:Role": [{ path: "name", rule: "iamRole", autoNamed: true }, { path: "inlinePolicies[].name", rule: "iamInlinePolicy" }],
  "aws:iam/rolePolicy:RolePolicy": [{ path: "name", rule: "iamInlinePolicy", autoNamed: true }],
  "aws:kms/alias:Alias": [{ path: "name", rule: "kmsAlias" }],
  "aws:secretsmanager/secret:Secret": [{ path: "name", rule: "secret" }],
  "aws:sqs/queue:Queue": [{ path: "name", rule: "sqsQueue" }],
  "aws:cloudwatch/logGroup:LogGroup": [{ path: "name", rule: "logGroup" }],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [{ path: "name", rule: "metricAlarm", autoNamed: true }],
  "aws:eks/cluster:Cluster": [{ path: "name", rule: "eksCluster" }],
  "aws:eks/nodeGroup:NodeGroup": [{ path: "nodeGroupName", rule: "eksNodeGroup", autoNamed: true }],
  "aws:ec2/launchTemplate:LaunchTemplate": [{ path: "name", rule: "launchTemplate", autoNamed: true }],
  "aws:ec2/securityGroup:SecurityGroup": [{ path: "name", rule: "securityGroup", autoNamed: true }],
  "aws:globalaccelerator/accelerator:Accelerator": [{ path: "name", rule: "accelerator" }],
  "aws:acm/certificate:Certificate": [{ path: "domainName", rule: "certificateDomain" }, { path: "subjectAlternativeNames[]", rule: "dnsName" }],
  "aws:route53/record:Record": [{ path: "name", rule: "dnsName" }],
  "aws:route53/healthCheck:HealthCheck": [{ path: "fqdn", rule: "dnsName" }],
  ...Object.fromEntries([
    "aws:acm/certificateValidation:CertificateValidation",
    "aws:ec2/eip:Eip", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway", "aws:ec2/routeTable:RouteTable",
    "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/subnet:Subnet", "aws:ec2/vpc:Vpc",
    "aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "aws:eks/addon:Addon",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation",
    "aws:globalaccelerator/endpointGroup:EndpointGroup", "aws:globalaccelerator/listener:Listener",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:kms/key:Key",
    "aws:lb/listener:Listener", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketVersioning:BucketVersioning",
    "aws:sqs/queuePolicy:QueuePolicy", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  ].map((type): [string, readonly NameInput[]] => [type, []])),
};

/** The seven random hex characters (and the '-') Pulumi's autonaming appends. */
export const AUTO_NAME_SUFFIX_LENGTH = 8;

/** The longest name Pulumi generates from a logical name: the random part written as `x`s. */
export function autoName(logicalName: string): string {
  return `${logicalName}-${"x".repeat(AUTO_NAME_SUFFIX_LENGTH - 1)}`;
}
