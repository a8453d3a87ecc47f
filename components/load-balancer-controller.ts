import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { names } from "../fleet";
import { chartSource } from "./chart-versions";
import { loadBalancerControllerCrds } from "./load-balancer-controller-crds";
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
    const role = new IrsaRole(`${name}-irsa`, {
      ...agentIdentity(fleet, cluster, "loadBalancerController"),
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      statements: loadBalancerControllerStatements({ eksClusterName: cluster.eksClusterName, region: cluster.region, accountId: fleet.accountId, vpcId: args.vpcId }),
    }, { parent: this });

    // The chart's CRDs (TargetGroupBinding, IngressClassParams, the gateway configurations) as
    // resources of their own, so a chart bump upgrades them: Helm installs crds/ once and never
    // upgrades it (Helm docs, "Custom Resource Definitions"). No CRD chart exists for this
    // controller; the chart's own files are copied in at its commit (chart-versions.ts says why
    // not a ConfigFile of their URL).
    const crds = loadBalancerControllerCrds().map((crd) =>
      new k8s.apiextensions.v1.CustomResourceDefinition(`${name}-${crd.metadata.name}`, crd, { parent: this, provider: args.kubernetesProvider }),
    );

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
