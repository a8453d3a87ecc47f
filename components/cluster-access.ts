import * as pulumi from "@pulumi/pulumi";
import { FleetSpec } from "../fleet";

export const CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/**
 * The role behind an IAM caller ARN, as `account/role-name`: STS names an assumed role
 * `arn:aws:sts::<account>:assumed-role/<name>/<session>` without the role's path, so roles
 * are compared by account and name. Anything that is not a role yields `undefined`.
 */
export function roleOf(arn: string): string | undefined {
  const assumed = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (assumed) return `${assumed[1]}/${assumed[2]}`;
  const role = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return role ? `${role[1]}/${role[2]}` : undefined;
}

/**
 * The `accessEntries` of `eks.Cluster`: cluster-admin for every role in `clusterAdmins`.
 *
 * The identity that runs `pulumi up` creates the clusters, and @pulumi/eks 4.3 always
 * creates them with `bootstrapClusterCreatorAdminPermissions: true` (pulumi/pulumi-eks
 * nodejs/eks/cluster/cluster.ts), so EKS itself gives that identity a cluster-admin access
 * entry. A second entry for it fails with 409 ResourceInUseException, so a caller listed
 * in `clusterAdmins` is refused before the cluster is created (each entry's principal
 * waits for the caller's identity, and the cluster for its entries).
 */
export function adminAccessEntries(fleet: FleetSpec, callerArn: pulumi.Output<string>) {
  return Object.fromEntries(
    fleet.clusterAdmins.map((principalArn, i) => [`admin-${i}`, {
      principalArn: callerArn.apply((caller) => refuseCreator(i, principalArn, caller)),
      accessPolicies: { admin: { policyArn: CLUSTER_ADMIN_POLICY, accessScope: { type: "cluster" } } },
    }]),
  );
}

/** `principalArn` (entry `index` of `clusterAdmins`), unless it is the deploying identity's role. */
export function refuseCreator(index: number, principalArn: string, callerArn: string): string {
  const callerRole = roleOf(callerArn);
  if (callerRole !== undefined && callerRole === roleOf(principalArn)) {
    throw new pulumi.RunError(
      `fleet.clusterAdmins[${index}]: ${principalArn} runs this deployment, and EKS already gives the cluster creator ` +
      "cluster-admin; remove it from clusterAdmins (it keeps its access) or deploy as another role",
    );
  }
  return principalArn;
}
