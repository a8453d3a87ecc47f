import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec } from "../fleet";
import { spokeRoleName } from "./argocd-hub";
import { SESSION_TAGS } from "./pod-identity-role";
import { RegionalCluster } from "./regional-cluster";
import { clusterTags } from "./tags";

const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

export interface ArgoCdSpokeArgs {
  readonly fleet: FleetSpec;
  readonly spoke: RegionalCluster;
  /** Its region's hub: whose Argo CD, alone, may assume the spoke's role. */
  readonly hub: SpokeHub;
}

export interface SpokeHub {
  readonly cluster: ClusterSpec;
  /**
   * The fleet-wide Argo CD role's ARN. IAM rejects a trust policy naming a role that does not
   * exist yet: in a single stack, the role's output (this role waits for it); in a cluster
   * stack, the ARN its name gives, the fleet stack having deployed it first.
   */
  readonly roleArn: pulumi.Input<string>;
}

/**
 * The Argo CD role may assume a spoke's role only in a session of the spoke's own hub: the
 * session's Pod Identity tags are transitive and reach this trust policy as principal tags
 * (EKS user guide, "Grant Pods access to AWS resources based on tags", "Cross-account tags").
 * `sts:TagSession` lets the transitive tags pass into the chained session (IAM user guide,
 * "Chaining roles with session tags").
 */
export function spokeTrustPolicy(argocdRoleArn: string, hubEksClusterName: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "ArgoCdOfItsOwnHub",
      Effect: "Allow",
      Principal: { AWS: argocdRoleArn },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: { [`aws:PrincipalTag/${SESSION_TAGS.clusterName}`]: hubEksClusterName } },
    }],
  };
}

/**
 * What lets one cluster's region hub manage it (a hub manages itself the same way),
 * IAM-authenticated: a role in the spoke's account trusted only by the Argo CD role in a
 * session of its own hub's cluster (`spokeTrustPolicy`), and an EKS access entry for it. All of
 * it is the spoke's own, in the spoke's stack; the cluster Secret that points the hub at it
 * lives on the hub (components/argocd-registration.ts).
 */
export class ArgoCdSpoke extends pulumi.ComponentResource {
  /** The access policy association: once it exists, the hub's Argo CD can sign in. */
  public readonly grant: aws.eks.AccessPolicyAssociation;

  constructor(name: string, args: ArgoCdSpokeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:gitops:ArgoCdSpoke", name, {}, opts);
    const { fleet, spoke, hub } = args;
    const tags = clusterTags(fleet, spoke.spec);

    const role = new aws.iam.Role(`${name}-role`, {
      name: spokeRoleName(fleet, spoke.spec.name),
      assumeRolePolicy: pulumi.output(hub.roleArn).apply((arn) => JSON.stringify(spokeTrustPolicy(arn, hub.cluster.eksClusterName))),
      tags,
    }, { parent: this });
    // The entry lives on the spoke: it waits for the spoke's control plane, not for Argo CD
    // on the hub, which would tie every spoke's deploy to the hub.
    const entry = new aws.eks.AccessEntry(`${name}-access`, {
      clusterName: spoke.clusterName,
      principalArn: role.arn,
      type: "STANDARD",
      tags,
    }, { parent: this });
    this.grant = new aws.eks.AccessPolicyAssociation(`${name}-admin`, {
      clusterName: spoke.clusterName,
      principalArn: role.arn,
      policyArn: CLUSTER_ADMIN_POLICY,
      accessScope: { type: "cluster" },
    }, { parent: this, dependsOn: [entry] });
    this.registerOutputs({});
  }
}
