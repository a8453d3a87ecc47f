/**
 * Every name both sides of the fleet must agree on, computed from the fleet model alone.
 * Nothing here waits for a deploy output, so the GitOps tree can be rendered offline and
 * the IAM policies can name exact ARNs.
 */

export const eksClusterName = (fleet: string, cluster: string) => `${fleet}-${cluster}`;

/** S3 names are global across all accounts: the account ID keeps ours unique. */
export const backupBucketName = (fleet: string, cluster: string, accountId: string) =>
  `${fleet}-${cluster}-velero-${accountId}`;

/** IAM role of an in-cluster agent, e.g. `prod-use1-external-secrets` (≤ 64 characters). */
export const agentRoleName = (fleet: string, cluster: string, agent: string) => `${fleet}-${cluster}-${agent}`;

export const roleArn = (accountId: string, roleName: string) => `arn:aws:iam::${accountId}:role/${roleName}`;

export const kmsAliasName = (fleet: string, cluster: string, purpose: string) => `alias/${fleet}-${cluster}-${purpose}`;

/** Stable hostname a cluster serves, written by its ExternalDNS and health-checked by Route 53. */
export const clusterHostname = (cluster: string, record: string) => `${cluster}.${record}`;

/** Folders of the GitOps tree a cluster's agent reconciles, relative to the repository root. */
export const gitopsPaths = (root: string, cluster: string) => ({
  platform: `${root}/clusters/${cluster}/platform`,
  apps: `${root}/clusters/${cluster}/apps`,
});
