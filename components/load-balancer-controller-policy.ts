import * as pulumi from "@pulumi/pulumi";

/**
 * Every action of the AWS Load Balancer Controller's published IAM policy for the version
 * the pinned chart installs (chart 3.5.0 = controller v3.5.0; kubernetes-sigs/
 * aws-load-balancer-controller `docs/install/iam_policy.json` at tag v3.5.0). A bump of
 * the chart must refresh this list: a test checks the policy grants each of them.
 */
export const LBC_UPSTREAM_ACTIONS = {
  serviceLinkedRole: ["iam:CreateServiceLinkedRole"],
  describe: [
    "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
    "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
    "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools",
    "ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
    "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:DescribeCapacityReservation",
  ],
  integrationReads: [
    "cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate",
    "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "wafv2:GetWebACL", "wafv2:GetWebACLForResource",
    "shield:GetSubscriptionState", "shield:DescribeProtection",
  ],
  integrationChanges: [
    "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
    "shield:CreateProtection", "shield:DeleteProtection",
  ],
  securityGroups: ["ec2:CreateSecurityGroup", "ec2:CreateTags", "ec2:DeleteTags", "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
  loadBalancers: [
    "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
    "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
    "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
    "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyListenerAttributes",
    "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools", "elasticloadbalancing:RegisterTargets",
    "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:SetWebAcl",
  ],
  listeners: [
    "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule",
    "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates",
    "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
  ],
} as const;

/** The tag the controller puts on everything it creates; its value is the EKS cluster name. */
export const LBC_CLUSTER_TAG = "elbv2.k8s.aws/cluster";

export interface LoadBalancerControllerPolicyArgs {
  readonly eksClusterName: string;
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: pulumi.Input<string>;
}

/**
 * The controller's permissions, stricter than upstream: every create must carry this
 * cluster's tag value, and every change or delete needs it on the resource (`StringEquals`,
 * where upstream only checks the tag exists), so one cluster's controller can never touch
 * another cluster's load balancers. The ownership tag is set only at creation. Backend
 * rules may be added to the node security group, which EKS tags `kubernetes.io/cluster/<name>`
 * (the controller looks it up by that tag: pkg/networking/networking_manager.go).
 */
export function loadBalancerControllerStatements(args: LoadBalancerControllerPolicyArgs): Record<string, unknown>[] {
  const { eksClusterName: cluster, region, accountId } = args;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${accountId}:${resource}`;
  const ownTag = { [`aws:ResourceTag/${LBC_CLUSTER_TAG}`]: cluster };
  const tagsOnCreate = { [`aws:RequestTag/${LBC_CLUSTER_TAG}`]: cluster };
  // Later tag edits may never add, change or remove the ownership tag.
  const ownershipTagUntouched = { "ForAllValues:StringNotEquals": { "aws:TagKeys": [LBC_CLUSTER_TAG] } };
  const securityGroups = arn("ec2", "security-group/*");
  const balancers = [arn("elasticloadbalancing", "targetgroup/*/*"), arn("elasticloadbalancing", "loadbalancer/net/*/*"), arn("elasticloadbalancing", "loadbalancer/app/*/*")];
  const listeners = [
    arn("elasticloadbalancing", "listener/net/*/*/*"), arn("elasticloadbalancing", "listener/app/*/*/*"),
    arn("elasticloadbalancing", "listener-rule/net/*/*/*"), arn("elasticloadbalancing", "listener-rule/app/*/*/*"),
  ];
  const a = LBC_UPSTREAM_ACTIONS;
  return [
    {
      Sid: "ServiceLinkedRoleForElbOnly",
      Effect: "Allow",
      Action: [...a.serviceLinkedRole],
      Resource: `arn:aws:iam::${accountId}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing`,
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    // Describe and Get calls have no resource-level permissions in IAM.
    { Sid: "Read", Effect: "Allow", Action: [...a.describe, ...a.integrationReads], Resource: "*" },
    {
      // A Web ACL or Shield protection names resources the controller never tags, so these
      // stay limited to this account and region (used only with the WAF/Shield annotations).
      Sid: "WafAndShieldOnThisAccountsLoadBalancers",
      Effect: "Allow",
      Action: [...a.integrationChanges],
      Resource: [
        arn("elasticloadbalancing", "loadbalancer/app/*/*"), arn("wafv2", "regional/webacl/*/*"), arn("waf-regional", "webacl/*"),
        `arn:aws:shield::${accountId}:protection/*`,
      ],
    },
    { Sid: "SecurityGroupInOwnVpc", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: pulumi.interpolate`arn:aws:ec2:${region}:${accountId}:vpc/${args.vpcId}` },
    { Sid: "CreateTaggedSecurityGroup", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: securityGroups, Condition: { StringEquals: tagsOnCreate } },
    {
      Sid: "TagSecurityGroupAtCreation",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: securityGroups,
      Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup", ...tagsOnCreate } },
    },
    {
      Sid: "RetagOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
      Resource: securityGroups,
      Condition: { StringEquals: ownTag, ...ownershipTagUntouched },
    },
    {
      Sid: "ChangeOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      Resource: securityGroups,
      Condition: { StringEquals: ownTag },
    },
    {
      Sid: "OpenNodeSecurityGroupToLoadBalancers",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: securityGroups,
      Condition: { Null: { [`aws:ResourceTag/kubernetes.io/cluster/${cluster}`]: "false" } },
    },
    {
      Sid: "CreateTaggedLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:CreateListener", "elasticloadbalancing:CreateRule"],
      Resource: [...balancers, ...listeners],
      Condition: { StringEquals: tagsOnCreate },
    },
    {
      Sid: "TagLoadBalancersAtCreation",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: [...balancers, ...listeners],
      Condition: {
        StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer", "CreateListener", "CreateRule"], ...tagsOnCreate },
      },
    },
    {
      Sid: "RetagOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [...balancers, ...listeners],
      Condition: { StringEquals: ownTag, ...ownershipTagUntouched },
    },
    {
      // Includes target groups the program creates for a TargetGroupBinding: they carry the same tag.
      Sid: "ChangeOwnLoadBalancers",
      Effect: "Allow",
      Action: a.loadBalancers.filter((action) => !/:(Create(LoadBalancer|TargetGroup)|AddTags|RemoveTags)$/.test(action)),
      Resource: balancers,
      Condition: { StringEquals: ownTag },
    },
    {
      Sid: "ChangeOwnListeners",
      Effect: "Allow",
      Action: a.listeners.filter((action) => !/:Create(Listener|Rule)$/.test(action)),
      Resource: [...listeners, ...balancers],
      Condition: { StringEquals: ownTag },
    },
  ];
}
