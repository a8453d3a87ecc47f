import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accessGrants, FleetSpec } from "../fleet";

export interface ClusterAccessArgs {
  readonly fleet: FleetSpec;
  /** The cluster's name as its output: every entry waits for the control plane. */
  readonly clusterName: pulumi.Input<string>;
  readonly tags: Record<string, string>;
}

/**
 * The cluster's access entries, one per principal the fleet names (`fleet/access.ts`): the
 * deploy role and every `clusterAdmins` role get AmazonEKSClusterAdminPolicy, the preview role
 * AmazonEKSViewPolicy, all cluster-wide. The cluster grants its creator nothing, so without
 * the deploy role's entry not even `pulumi up` could install the in-cluster agents; whatever
 * talks to the cluster's API through the program waits for `grants`.
 */
export class ClusterAccess extends pulumi.ComponentResource {
  /** The policy associations: once they exist, the listed principals can use the API. */
  public readonly grants: pulumi.Resource[];

  constructor(name: string, args: ClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:cluster:ClusterAccess", name, {}, opts);
    const parent = { parent: this };
    this.grants = accessGrants(args.fleet).map(({ key, principalArn, policyArn }) => {
      const entry = new aws.eks.AccessEntry(`${name}-${key}`, { clusterName: args.clusterName, principalArn, type: "STANDARD", tags: args.tags }, parent);
      return new aws.eks.AccessPolicyAssociation(`${name}-${key}-policy`, {
        clusterName: entry.clusterName,
        principalArn: entry.principalArn,
        policyArn,
        accessScope: { type: "cluster" },
      }, parent);
    });
    this.registerOutputs({});
  }
}
