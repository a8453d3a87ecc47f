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

/**
 * Where each in-cluster agent runs and which IAM role it assumes (IRSA). The Pulumi side
 * installs the agent with this service account and creates the role; the GitOps side
 * refers to the same names (e.g. a ClusterSecretStore authenticating as the ESO account).
 */
export const AGENTS = {
  externalSecrets: { namespace: "external-secrets", serviceAccount: "external-secrets", role: "external-secrets" },
  velero: { namespace: "velero", serviceAccount: "velero", role: "velero" },
  externalDns: { namespace: "external-dns", serviceAccount: "external-dns", role: "external-dns" },
  loadBalancerController: { namespace: "kube-system", serviceAccount: "aws-load-balancer-controller", role: "aws-load-balancer-controller" },
  flux: { namespace: "flux-system", serviceAccount: "source-controller", role: "flux" },
  argocd: { namespace: "argocd", serviceAccount: "argocd-application-controller", role: "argocd" },
  // The EKS add-on's controller service account (aws-ebs-csi-driver chart, controller.serviceAccount.name).
  ebsCsiDriver: { namespace: "kube-system", serviceAccount: "ebs-csi-controller-sa", role: "ebs-csi-driver" },
  karpenter: { namespace: "karpenter", serviceAccount: "karpenter", role: "karpenter" },
} as const;

/** Instance role of the nodes Karpenter launches; the EC2NodeClass in the GitOps tree names it. */
export const karpenterNodeRoleName = (fleet: string, cluster: string) => `${fleet}-${cluster}-karpenter-node`;

/** Alias of the key encrypting a cluster's EBS volumes; the StorageClass in the GitOps tree names it. */
export const volumeKeyAlias = (fleet: string, cluster: string) => kmsAliasName(fleet, cluster, "ebs");
export const volumeKeyAliasArn = (region: string, accountId: string, fleet: string, cluster: string) =>
  `arn:aws:kms:${region}:${accountId}:${volumeKeyAlias(fleet, cluster)}`;

/** The default StorageClass every cluster gets (encrypted gp3, EBS CSI driver). */
export const DEFAULT_STORAGE_CLASS = "gp3-encrypted";

/** Karpenter objects in the platform layer: the pool that scales workloads past the system nodes. */
export const KARPENTER_OBJECTS = { nodePool: "workloads", nodeClass: "workloads" } as const;

export type AgentName = keyof typeof AGENTS;

/** The ClusterSecretStore every cluster has, reading its own region's replica of each secret. */
export const CLUSTER_SECRET_STORE = "aws-secrets-manager";

/** Flux objects (in `flux-system`) that reconcile a cluster's two layers. */
export const FLUX_OBJECTS = { source: "fleet", platform: "platform", apps: "apps" } as const;

/** Velero backup storage locations: `default` is the cluster's own bucket (read-write). */
export const OWN_BACKUP_LOCATION = "default";
/** Read-only location on the replica of a peer's backups that lands in this cluster's bucket. */
export const replicaBackupLocation = (peer: string) => `replica-${peer}`;
/** The Velero Schedule each cluster runs (rendered into the GitOps platform layer). */
export const BACKUP_SCHEDULE = "fleet-backup";
