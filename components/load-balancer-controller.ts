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
    const role = new IrsaRole(`${name}-irsa`, {
      ...agentIdentity(fleet, cluster, "loadBalancerController"),
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      statements: loadBalancerControllerStatements({ eksClusterName: cluster.eksClusterName, region: cluster.region, accountId: fleet.accountId, vpcId: args.vpcId }),
    }, { parent: this });

    // The chart's CRDs (TargetGroupBinding, IngressClassParams, the gateway configurations) as
    // resources of their own, so a chart bump upgrades them: Helm installs crds/ once and never
    // upgrades it (Helm docs, "Custom Resource Definitions"). No CRD chart exists for this
    // controller, and a copy here would drift from the chart, so the provider reads the chart's
    // own files at the pinned commit; the offline plan shows each URL.
    const crds = LOAD_BALANCER_CONTROLLER_CRDS.map((file) =>
      new k8s.yaml.v2.ConfigFile(`${name}-${file.split("/").pop()!.replace(/\.yaml$/, "")}`, { file }, { parent: this, provider: args.kubernetesProvider }),
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
