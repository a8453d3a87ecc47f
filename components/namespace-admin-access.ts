import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, namespaceAdminEntries } from "../fleet";
import { clusterTags } from "./tags";

export interface NamespaceAdminAccessArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  /** The EKS cluster's name, as its output: the entries wait for the control plane. */
  readonly clusterName: pulumi.Input<string>;
}

/**
 * The groups of `fleet.namespaces[].admins` made real: each IAM role of `adminRoles` gets an
 * EKS access entry carrying those groups as `kubernetesGroups` and no access policy, so the
 * Kubernetes RBAC the tree renders (the namespace's `admin` RoleBinding) is all it may do
 * (EKS user guide, "Create an access entry using Kubernetes groups").
 */
export class NamespaceAdminAccess extends pulumi.ComponentResource {
  constructor(name: string, args: NamespaceAdminAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:cluster:NamespaceAdminAccess", name, {}, opts);
    for (const entry of namespaceAdminEntries(args.fleet)) {
      // Named by the role's name, unique in the account, so reordering the config replaces nothing.
      new aws.eks.AccessEntry(`${name}-${entry.principalArn.split("/").pop()}`, {
        clusterName: args.clusterName,
        principalArn: entry.principalArn,
        type: "STANDARD",
        kubernetesGroups: [...entry.kubernetesGroups],
        tags: clusterTags(args.fleet, args.cluster),
      }, { parent: this });
    }
    this.registerOutputs({});
  }
}
