import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { names } from "../fleet";
import { chartSource, LOAD_BALANCER_CONTROLLER_CRDS } from "./chart-versions";
import { PodIdentityAddonArgs } from "./addon-args";
import { associateAddon } from "./pod-identity-role";

/** `role`: the fleet-wide controller role (`FleetAddonRoles.loadBalancerController`). */
export interface LoadBalancerControllerArgs extends PodIdentityAddonArgs {
  readonly vpcId: pulumi.Input<string>;
}

/**
 * The AWS Load Balancer Controller, which registers the gateway pods in the program-owned
 * target group through the rendered TargetGroupBinding.
 * Reads are unscoped (EC2 and ELB Describe calls have no resource-level permissions);
 * every change is limited to resources tagged with this cluster's name, in its region, through
 * the fleet-wide role (load-balancer-controller-policy.ts).
 *
 * Its chart registers a mutating webhook on every Service with `failurePolicy: Fail`
 * (aws/eks-charts stable/aws-load-balancer-controller), so anything that creates a Service
 * in the cluster must wait for `release`.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:ingress:LoadBalancerController", name, {}, opts);
    const { cluster } = args;
    const agent = names.AGENTS.loadBalancerController;
    // EKS Pod Identity: the controller supports it since v2.7.0 (kubernetes-sigs/
    // aws-load-balancer-controller#3503). `region` and `vpcId` are set below, so it needs no IMDS.
    const association = associateAddon(`${name}-pod-identity`, "loadBalancerController", args, { parent: this });

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
        serviceAccount: { name: agent.serviceAccount },
      },
    }, { parent: this, provider: args.kubernetesProvider, dependsOn: [crds, association] });
    this.registerOutputs({});
  }
}
