import { VPC_CLUSTER_TAG } from "../fleet/names";
import { onlyTheClusterRegion, OWN_CLUSTER } from "./pod-identity-role";

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

/**
 * The tag EKS puts on the cluster security group it creates (which managed nodes and pod ENIs
 * carry), with the cluster's name as value: EKS User Guide, "View Amazon EKS security group
 * requirements for clusters". Keys under `aws:` cannot be set by anyone but AWS.
 */
export const EKS_SECURITY_GROUP_TAG = "aws:eks:cluster-name";

/**
 * The controller's permissions in one fleet-wide role (EKS Pod Identity), stricter than
 * upstream: every create must carry the calling pod's cluster's name as the
 * `elbv2.k8s.aws/cluster` tag, and every change or delete needs it on the resource
 * (`StringEquals` with `${aws:PrincipalTag/eks-cluster-name}`, where upstream only checks the
 * tag exists), so one cluster's controller can never touch another cluster's load balancers.
 * The ownership tag is set only at creation. Security groups are created only in the VPC
 * tagged with the cluster's name (`names.VPC_CLUSTER_TAG`); backend rules may be added to the
 * cluster security group, which EKS tags `aws:eks:cluster-name` (the controller finds it by its
 * `kubernetes.io/cluster/<name>` tag: pkg/networking/networking_manager.go; a policy variable
 * cannot stand in a condition key, so the value-tagged key is the one checked). Every EC2, ELB
 * and WAF call stays in the cluster's region (`onlyTheClusterRegion`).
 */
export function loadBalancerControllerStatements(accountId: string): Record<string, unknown>[] {
  const cluster = OWN_CLUSTER;
  const arn = (service: string, resource: string) => `arn:aws:${service}:*:${accountId}:${resource}`;
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
      // stay limited to this account (used only with the WAF/Shield annotations).
      Sid: "WafAndShieldOnThisAccountsLoadBalancers",
      Effect: "Allow",
      Action: [...a.integrationChanges],
      Resource: [
        arn("elasticloadbalancing", "loadbalancer/app/*/*"), arn("wafv2", "regional/webacl/*/*"), arn("waf-regional", "webacl/*"),
        `arn:aws:shield::${accountId}:protection/*`,
      ],
    },
    // The VPC side of CreateSecurityGroup: resource type `vpc` takes aws:ResourceTag (Service
    // Authorization Reference, Amazon EC2, CreateSecurityGroup).
    {
      Sid: "SecurityGroupInOwnVpc",
      Effect: "Allow",
      Action: "ec2:CreateSecurityGroup",
      Resource: arn("ec2", "vpc/*"),
      Condition: { StringEquals: { [`aws:ResourceTag/${VPC_CLUSTER_TAG}`]: cluster } },
    },
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
      Sid: "OpenClusterSecurityGroupToLoadBalancers",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: securityGroups,
      Condition: { StringEquals: { [`aws:ResourceTag/${EKS_SECURITY_GROUP_TAG}`]: cluster } },
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
    onlyTheClusterRegion(["ec2:*", "elasticloadbalancing:*", "wafv2:*", "waf-regional:*"]),
  ];
}
