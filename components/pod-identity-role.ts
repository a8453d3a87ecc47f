import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec, names } from "../fleet";
import type { PodIdentityAddonArgs } from "./addon-args";
import { clusterTags } from "./tags";

/**
 * The session tags EKS Pod Identity puts on every role session it starts, with the values of
 * the pod's cluster, namespace and service account (EKS user guide, "Grant Pods access to AWS
 * resources based on tags" and "Create IAM role with trust policy required by EKS Pod
 * Identity"). They are transitive: a role the session assumes next sees them too. Tags on the
 * role itself with the same keys would stand in for them when an association disables session
 * tags, so no fleet role carries one (and the trust policy requires them as request tags).
 */
export const SESSION_TAGS = {
  clusterName: "eks-cluster-name",
  clusterArn: "eks-cluster-arn",
  namespace: "kubernetes-namespace",
  serviceAccount: "kubernetes-service-account",
} as const;

/** `${aws:PrincipalTag/<key>}`: the calling session's tag, as an IAM policy variable. */
export const principalTag = (key: string) => "${aws:PrincipalTag/" + key + "}";

/** The EKS name of the cluster the calling pod runs in, as an IAM policy variable. */
export const OWN_CLUSTER = principalTag(SESSION_TAGS.clusterName);

/** Who may use a fleet-wide add-on role: one namespace's named service accounts, in the fleet's clusters. */
export interface PodIdentitySubject {
  readonly namespace: string;
  readonly serviceAccounts: readonly string[];
}

/**
 * Trusted by EKS Pod Identity only, and only for sessions whose request tags name the
 * subject's namespace and service accounts in one of this fleet's clusters (`<fleet>-*`, the
 * EKS names `fleet/names.ts` gives them): a pod under any other account, or an association
 * with its session tags disabled, cannot assume the role. The list of clusters is not in it,
 * so adding a cluster changes no trust policy (EKS user guide, "Create IAM role with trust
 * policy required by EKS Pod Identity": `sts:AssumeRole` and `sts:TagSession`).
 */
export function podIdentityTrustPolicy(fleet: FleetSpec, subject: PodIdentitySubject): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "EksPodIdentityOfTheNamedServiceAccounts",
      Effect: "Allow",
      Principal: { Service: "pods.eks.amazonaws.com" },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: {
        StringEquals: {
          [`aws:RequestTag/${SESSION_TAGS.namespace}`]: subject.namespace,
          [`aws:RequestTag/${SESSION_TAGS.serviceAccount}`]: [...subject.serviceAccounts],
        },
        StringLike: { [`aws:RequestTag/${SESSION_TAGS.clusterName}`]: `${fleet.name}-*` },
        ArnLike: { [`aws:RequestTag/${SESSION_TAGS.clusterArn}`]: `arn:aws:eks:*:${fleet.accountId}:cluster/${fleet.name}-*` },
      },
    }],
  };
}

/**
 * Statements that deny everything to a session whose tags are not the subject's: the
 * permissions hold only for the named service accounts even if the trust policy is later
 * loosened. A negated condition matches when the key is missing, so an untagged session is
 * denied too (IAM user guide, "Condition operators": negated operators and absent keys).
 */
export function onlyTheSubject(subject: PodIdentitySubject): Record<string, unknown>[] {
  return [
    { Sid: "DenyOtherNamespaces", Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: { [`aws:PrincipalTag/${SESSION_TAGS.namespace}`]: subject.namespace } } },
    { Sid: "DenyOtherServiceAccounts", Effect: "Deny", Action: "*", Resource: "*", Condition: { StringNotEquals: { [`aws:PrincipalTag/${SESSION_TAGS.serviceAccount}`]: [...subject.serviceAccounts] } } },
  ];
}

/**
 * A statement that denies `actions` in every region but the calling pod's cluster's: the region
 * in the session's `eks-cluster-arn` must be the request's `aws:RequestedRegion` (a global
 * condition key, usable as a policy variable in a string condition: IAM user guide, "IAM policy
 * elements: Variables and tags"). A fleet-wide role names resources in every region (`*`); this
 * keeps a cluster's sessions in its own region as a per-cluster role's ARNs did.
 */
export function onlyTheClusterRegion(actions: readonly string[]): Record<string, unknown> {
  return {
    Sid: "DenyOtherRegions",
    Effect: "Deny",
    Action: [...actions],
    Resource: "*",
    Condition: { StringNotLike: { [`aws:PrincipalTag/${SESSION_TAGS.clusterArn}`]: "arn:aws:eks:${aws:RequestedRegion}:*" } },
  };
}

export interface PodIdentityRoleArgs {
  readonly fleet: FleetSpec;
  /** The add-on's role in `names.podIdentityRoleName`, e.g. `karpenter`. */
  readonly agentRole: string;
  readonly subject: PodIdentitySubject;
  /**
   * IAM statements scoped to the calling pod's own cluster through its session tags
   * (`OWN_CLUSTER` in resource ARNs and condition values), never to a list of clusters.
   */
  readonly statements: pulumi.Input<pulumi.Input<Record<string, unknown>>[]>;
}

/**
 * One IAM role for one add-on in every cluster of the fleet (EKS Pod Identity): each cluster
 * associates its add-on's service account with it (`aws.eks.PodIdentityAssociation`), and the
 * session tags decide which cluster's resources a session may touch. Created once, at fleet
 * level; its ARN is computed from the account and `names.podIdentityRoleName`.
 */
export class PodIdentityRole extends pulumi.ComponentResource {
  public readonly arn: string;
  public readonly role: aws.iam.Role;

  constructor(name: string, args: PodIdentityRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:iam:PodIdentityRole", name, {}, opts);
    const { fleet, subject } = args;
    const roleName = names.podIdentityRoleName(fleet.name, args.agentRole);
    this.role = new aws.iam.Role(`${name}-role`, {
      name: roleName,
      assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy(fleet, subject)),
      inlinePolicies: [{
        name: "least-privilege",
        policy: pulumi.output(args.statements).apply((statements) => JSON.stringify({ Version: "2012-10-17", Statement: [...statements, ...onlyTheSubject(subject)] })),
      }],
      // Fleet-wide: no cluster tag, and never a tag named like a session tag.
      tags: { "eks-fleet/fleet": fleet.name },
    }, { parent: this });
    this.arn = names.roleArn(fleet.accountId, roleName);
    this.registerOutputs({ arn: this.role.arn });
  }
}

/** A fleet-wide role as a cluster's add-on sees it: its computed ARN, and the role when it is in the same program. */
export interface FleetRole {
  readonly arn: string;
  /** Present when the role is created in the same stack: associations wait for it. */
  readonly role?: pulumi.Resource;
}

export interface ServiceAccountAssociationArgs {
  /**
   * The EKS cluster's name as the cluster's output: a replaced cluster (deleted first) takes the
   * association along, so it is created again in the new one.
   */
  readonly clusterName: pulumi.Input<string>;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly role: FleetRole;
  readonly tags: Record<string, string>;
  /** What the association needs first besides the cluster (its name is the cluster's output): its Pod Identity Agent. */
  readonly dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Gives one service account of one cluster the fleet-wide role. Session tags stay on (the
 * role's trust policy requires them). EKS sets the credentials' environment in pods created
 * after the association exists, so whatever runs as the account waits for it.
 */
export function associateServiceAccount(name: string, args: ServiceAccountAssociationArgs, opts: pulumi.CustomResourceOptions): aws.eks.PodIdentityAssociation {
  return new aws.eks.PodIdentityAssociation(name, {
    clusterName: args.clusterName,
    namespace: args.namespace,
    serviceAccount: args.serviceAccount,
    roleArn: args.role.arn,
    tags: args.tags,
  }, { ...opts, dependsOn: [...args.dependsOn, ...(args.role.role ? [args.role.role] : [])] });
}

/** `associateServiceAccount` of an add-on's own service account (`names.AGENTS`), tagged as its cluster, after its Pod Identity Agent. */
export function associateAddon(name: string, agent: names.AgentName, args: PodIdentityAddonArgs, opts: pulumi.CustomResourceOptions): aws.eks.PodIdentityAssociation {
  const { namespace, serviceAccount } = names.AGENTS[agent];
  return associateServiceAccount(name, {
    clusterName: args.clusterName,
    namespace,
    serviceAccount,
    role: args.role,
    tags: clusterTags(args.fleet, args.cluster),
    dependsOn: [args.podIdentityAgent],
  }, opts);
}
