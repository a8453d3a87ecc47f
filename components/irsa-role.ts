import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
import { clusterTags } from "./tags";

/** Role name, service account and tags of one of the fleet's agents in one cluster. */
export function agentIdentity(fleet: FleetSpec, cluster: ClusterSpec, agentName: names.AgentName) {
  const agent = names.AGENTS[agentName];
  return {
    roleName: names.agentRoleName(fleet.name, cluster.name, agent.role),
    namespace: agent.namespace,
    serviceAccount: agent.serviceAccount,
    tags: clusterTags(fleet, cluster),
  };
}

export interface IrsaRoleArgs {
  /** IAM role name, from `names.agentRoleName` so the GitOps side knows its ARN. */
  readonly roleName: string;
  /** The cluster's OIDC provider ARN and issuer (without https://). */
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  /** The service account(s) allowed to assume the role, all in `namespace`. */
  readonly namespace: string;
  readonly serviceAccount: string | readonly string[];
  /** IAM policy statements; resources must be named ARNs (policies check it). */
  readonly statements: pulumi.Input<pulumi.Input<Record<string, unknown>>[]>;
  readonly tags: Record<string, string>;
}

/**
 * An IAM role for Kubernetes service accounts (IRSA): trusted only by the named accounts'
 * subjects and the STS audience of one cluster's OIDC provider, with an inline policy. For the
 * add-ons that cannot use the fleet-wide EKS Pod Identity roles (components/fleet-addon-roles.ts);
 * each says why where it creates its role.
 */
export class IrsaRole extends pulumi.ComponentResource {
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:iam:IrsaRole", name, {}, opts);
    const subjects = ([] as string[]).concat(args.serviceAccount).map((sa) => `system:serviceaccount:${args.namespace}:${sa}`);
    const role = new aws.iam.Role(`${name}-role`, {
      name: args.roleName,
      assumeRolePolicy: pulumi.all([args.oidcProviderArn, args.oidcIssuer]).apply(([provider, issuer]) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow",
          Principal: { Federated: provider },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${issuer}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
              [`${issuer}:aud`]: "sts.amazonaws.com",
            },
          },
        }],
      })),
      inlinePolicies: [{ name: "least-privilege", policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: args.statements }) }],
      tags: args.tags,
    }, { parent: this });
    this.arn = role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
