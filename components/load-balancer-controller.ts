import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
import { chartSource } from "./chart-versions";
import { agentIdentity, IrsaRole } from "./irsa-role";

export interface LoadBalancerControllerArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  readonly vpcId: pulumi.Input<string>;
  readonly kubernetesProvider: k8s.Provider;
}

const OWNED = { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } };

/**
 * The AWS Load Balancer Controller, which registers the gateway pods in the program-owned
 * target group through the rendered TargetGroupBinding.
 * Reads are unscoped (EC2 and ELB Describe calls have no resource-level permissions);
 * every change is limited to load balancers and security groups the controller tagged.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
  constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:ingress:LoadBalancerController", name, {}, opts);
    const { fleet, cluster } = args;
    const agent = names.AGENTS.loadBalancerController;
    const role = new IrsaRole(`${name}-irsa`, {
      ...agentIdentity(fleet, cluster, "loadBalancerController"),
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      statements: [
        {
          Effect: "Allow",
          Action: ["ec2:Describe*", "elasticloadbalancing:Describe*", "acm:ListCertificates", "acm:DescribeCertificate", "ec2:GetSecurityGroupsForVpc"],
          Resource: ["*"],
        },
        {
          Effect: "Allow",
          Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "ec2:CreateSecurityGroup", "elasticloadbalancing:AddTags", "ec2:CreateTags"],
          Resource: ["*"],
          Condition: { StringEquals: { "aws:RequestTag/elbv2.k8s.aws/cluster": cluster.eksClusterName } },
        },
        {
          Effect: "Allow",
          Action: [
            "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
            "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
            "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
            "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener",
            "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup",
          ],
          Resource: ["*"],
          Condition: OWNED,
        },
      ],
    }, { parent: this });

    new k8s.helm.v3.Release(`${name}-release`, {
      name: "aws-load-balancer-controller",
      ...chartSource("loadBalancerController"),
      namespace: agent.namespace,
      values: {
        clusterName: cluster.eksClusterName,
        region: cluster.region,
        vpcId: args.vpcId,
        serviceAccount: { name: agent.serviceAccount, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
      },
    }, { parent: this, provider: args.kubernetesProvider });
    this.registerOutputs({});
  }
}
