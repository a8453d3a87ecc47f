import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { names } from "../fleet";
import { chartSource, LOAD_BALANCER_CONTROLLER_CRDS } from "./chart-versions";
import { agentIdentity, IrsaRole } from "./irsa-role";
import { loadBalancerControllerStatements } from "./load-balancer-controller-policy";
import { ClusterAddonArgs } from "./addon-args";

export interface LoadBalancerControllerArgs extends ClusterAddonArgs {
  readonly vpcId: pulumi.Input<string>;
}

/**
 * The AWS Load Balancer Controller, which registers the gateway pods in the program-owned
 * target group through the rendered TargetGroupBinding.
 * Reads are unscoped (EC2 and ELB Describe calls have no resource-level permissions);
 * every change is limited to resources tagged with this cluster's name.
 *
 * Its chart registers a mutating webhook on every Service with `failurePolicy: Fail`
 * (aws/eks-charts stable/aws-load-balancer-controller), so anything that creates a Service
 * in the cluster must wait for `release`.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:ingress:LoadBalancerController", name, {}, opts);
    const { fleet, cluster } = args;
    const agent = names.AGENTS.loadBalancerController;
    // IRSA, not EKS Pod Identity: the controller supports it since v2.7.0 (kubernetes-sigs/
    // aws-load-balancer-controller#3503), but its policy names this cluster's VPC (an ID AWS assigns)
    // and tag keys that contain the cluster's name, neither of which a session tag can stand for.
    const role = new IrsaRole(`${name}-irsa`, {
      ...agentIdentity(fleet, cluster, "loadBalancerController"),
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      statements: loadBalancerControllerStatements({ eksClusterName: cluster.eksClusterName, region: cluster.region, accountId: fleet.accountId, vpcId: args.vpcId }),
    }, { parent: this });

    // The chart's CRDs (TargetGroupBinding, IngressClassParams, the gateway configurations) as a
    // release of their own, before the controller, so a chart bump upgrades them: Helm installs
    // crds/ once and never upgrades it (Helm docs, "Custom Resource Definitions"). No CRD chart
    // is published for this controller; chart-versions.ts says where its files come from.
    // `takeOwnership` adopts the CRDs an earlier install of the controller chart created.
    const crds = new k8s.helm.v3.Release(`${name}-crds`, {
      name: "aws-load-balancer-controller-crds",
      chart: LOAD_BALANCER_CONTROLLER_CRDS.chart,
      namespace: agent.namespace,
      takeOwnership: true,
    }, { parent: this, provider: args.kubernetesProvider });

    this.release = new k8s.helm.v3.Release(`${name}-release`, {
      name: "aws-load-balancer-controller",
      ...chartSource("loadBalancerController"),
      namespace: agent.namespace,
      skipCrds: true,
      values: {
        clusterName: cluster.eksClusterName,
        region: cluster.region,
        vpcId: args.vpcId,
        serviceAccount: { name: agent.serviceAccount, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
      },
    }, { parent: this, provider: args.kubernetesProvider, dependsOn: crds });
    this.registerOutputs({});
  }
}
