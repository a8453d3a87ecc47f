import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FleetSpec, names } from "../fleet";
import { spokeRoleName } from "./argocd-hub";
import { SESSION_TAGS } from "./pod-identity-role";
import { RegionalCluster } from "./regional-cluster";
import { clusterTags } from "./tags";

const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

export interface ArgoCdSpokeArgs {
  readonly fleet: FleetSpec;
  readonly spoke: RegionalCluster;
  /** Its region's hub: the registration Secret lives there, never in Git. */
  readonly hub: SpokeHub;
  /** The spoke's own releases whose CRDs and webhooks its tree relies on: registering it starts the sync. */
  readonly treePrerequisites: readonly pulumi.Resource[];
}

export interface SpokeHub {
  readonly cluster: RegionalCluster;
  /** The hub's Argo CD release: its namespace must exist before the Secret. */
  readonly release: pulumi.Resource;
  /**
   * The fleet-wide Argo CD role's ARN as the role's output, not a name-built string: IAM
   * rejects a trust policy naming a role that does not exist yet, and the output makes this
   * role wait for it.
   */
  readonly roleArn: pulumi.Output<string>;
}

/**
 * Registers one cluster with its region's Argo CD hub (a hub registers itself the same way),
 * IAM-authenticated: a role in the spoke's account trusted only by the Argo CD role in a session
 * of its own hub's cluster (`spokeTrustPolicy`), an EKS
 * access entry for it, and the cluster Secret on the hub (labels = feature flags,
 * annotations = metadata, no bearer token). Nothing here depends on the cluster's role:
 * what it serves and runs is in Git, so a promotion changes no registration.
 */
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

export class ArgoCdSpoke extends pulumi.ComponentResource {
  constructor(name: string, args: ArgoCdSpokeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:gitops:ArgoCdSpoke", name, {}, opts);
    const { fleet, spoke } = args;
    const cluster = spoke.spec;
    const tags = clusterTags(fleet, cluster);
    const { hub } = args;

    const role = new aws.iam.Role(`${name}-role`, {
      name: spokeRoleName(fleet, cluster.name),
      assumeRolePolicy: hub.roleArn.apply((arn) => JSON.stringify(spokeTrustPolicy(arn, hub.cluster.spec.eksClusterName))),
      tags,
    }, { parent: this });
    // The entry lives on the spoke: it waits for the spoke's control plane, not for Argo CD
    // on the hub, which would tie every spoke's deploy to the hub's region.
    const entry = new aws.eks.AccessEntry(`${name}-access`, {
      clusterName: spoke.clusterName,
      principalArn: role.arn,
      type: "STANDARD",
      tags,
    }, { parent: this });
    new aws.eks.AccessPolicyAssociation(`${name}-admin`, {
      clusterName: spoke.clusterName,
      principalArn: role.arn,
      policyArn: CLUSTER_ADMIN_POLICY,
      accessScope: { type: "cluster" },
    }, { parent: this, dependsOn: [entry] });

    const config = pulumi.jsonStringify({
      awsAuthConfig: { clusterName: cluster.eksClusterName, roleARN: role.arn },
      tlsClientConfig: { insecure: false, caData: spoke.certificateAuthority },
    });
    const registration = {
      metadata: {
        name: cluster.name,
        namespace: names.AGENTS.argocd.namespace,
        labels: {
          "argocd.argoproj.io/secret-type": "cluster",
          environment: fleet.name,
          aws_cluster_name: cluster.eksClusterName,
          enable_external_secrets: "true",
          enable_velero: "true",
          enable_external_dns: "true",
          enable_aws_load_balancer_controller: "true",
        },
        annotations: {
          aws_account_id: fleet.accountId,
          aws_region: cluster.region,
          aws_cluster_name: cluster.eksClusterName,
          aws_vpc_id: spoke.vpcId,
          velero_bucket: cluster.backup.bucket,
          gitops_platform_path: cluster.gitopsPaths.platform,
          gitops_traffic_path: cluster.gitopsPaths.traffic,
          gitops_apps_path: cluster.gitopsPaths.apps,
          velero_role_arn: names.roleArn(fleet.accountId, names.agentRoleName(fleet.name, cluster.name, names.AGENTS.velero.role)),
        },
      },
      type: "Opaque",
      stringData: { name: cluster.name, server: spoke.endpoint, config: pulumi.secret(config) },
    };
    // Named by the hub cluster, as when a fleet had one hub and a standby: a cluster whose
    // hub stays the same keeps its Secret.
    new k8s.core.v1.Secret(`${name}-registration-${hub.cluster.spec.name}`, registration, {
      parent: this,
      provider: hub.cluster.kubernetesProvider,
      dependsOn: [hub.release, ...args.treePrerequisites],
    });
    this.registerOutputs({});
  }
}
