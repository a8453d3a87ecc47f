import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CoreAddonVersions } from "../fleet";

export interface PodNetworkingArgs {
  /** The cluster's name as its output: the add-ons wait for the control plane. */
  readonly clusterName: pulumi.Input<string>;
  readonly versions: CoreAddonVersions;
  readonly tags: Record<string, string>;
}

/**
 * The networking add-ons a node needs before it can become Ready, as EKS add-ons (the
 * cluster bootstraps none of its own): the VPC CNI, with its network policy agent on so the
 * default-deny NetworkPolicies of the GitOps tree are enforced (`enableNetworkPolicy`, the
 * vpc-cni add-on's configuration schema; EKS User Guide, "Restrict Pod network traffic with
 * Kubernetes network policies"; @pulumi/eks set the same through `vpcCniOptions`), and
 * kube-proxy. Both are DaemonSets, so they become ACTIVE before any node exists; nodes are
 * created after them, as terraform-aws-modules/eks does with `before_compute`.
 */
export class PodNetworking extends pulumi.ComponentResource {
  public readonly addons: aws.eks.Addon[];

  constructor(name: string, args: PodNetworkingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:cluster:PodNetworking", name, {}, opts);
    const common = {
      clusterName: args.clusterName,
      // The fleet owns the configuration: an edit made out of band is reset on the next update.
      resolveConflictsOnUpdate: "OVERWRITE",
      // Removing the add-on from the program leaves the software running: nodes keep pod networking.
      preserve: true,
      tags: args.tags,
    };
    this.addons = [
      new aws.eks.Addon(`${name}-vpc-cni`, {
        ...common,
        addonName: "vpc-cni",
        addonVersion: args.versions.vpcCni,
        configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
      }, { parent: this }),
      new aws.eks.Addon(`${name}-kube-proxy`, { ...common, addonName: "kube-proxy", addonVersion: args.versions.kubeProxy }, { parent: this }),
    ];
    this.registerOutputs({});
  }
}
