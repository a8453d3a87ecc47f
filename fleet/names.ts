import { createHash } from "crypto";

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

/**
 * The one IAM role an add-on uses in every cluster of the fleet through EKS Pod Identity, e.g.
 * `prod-karpenter-pod-identity`: cluster stacks name it by this ARN, never by a stack output.
 * No per-cluster role name (`<fleet>-<cluster>-<agent>`, `…-secrets-<namespace>`) ends this way.
 */
export const podIdentityRoleName = (fleet: string, agent: string) => `${fleet}-${agent}-pod-identity`;

export const kmsAliasName = (fleet: string, cluster: string, purpose: string) => `alias/${fleet}-${cluster}-${purpose}`;

/** The log group EKS writes a cluster's control-plane logs to (EKS User Guide, "Control plane logs"). */
export const controlPlaneLogGroupName = (eksClusterName: string) => `/aws/eks/${eksClusterName}/cluster`;

/**
 * The EventBridge events Karpenter reacts to (its interruption-queue template): it drains a
 * node before AWS takes it away. Each gets a rule and a target named after the cluster and the event.
 */
export const KARPENTER_INTERRUPTION_EVENTS: Readonly<Record<string, { readonly source: string; readonly detailType: string }>> = {
  "scheduled-change": { source: "aws.health", detailType: "AWS Health Event" },
  "spot-interruption": { source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
  rebalance: { source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
  "instance-state-change": { source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
  "capacity-reservation-interruption": { source: "aws.ec2", detailType: "EC2 Capacity Reservation Instance Interruption Warning" },
};

/**
 * Stable hostname a cluster serves: an alias of its program-owned NLB, health-checked by Route 53,
 * and the name under which its ExternalDNS writes. Named by the EKS cluster's name, which EKS Pod
 * Identity puts in every session (`eks-cluster-name`), so one fleet-wide ExternalDNS role can
 * keep each cluster to its own names (components/external-dns.ts).
 */
export const clusterHostname = (eksClusterName: string, record: string) => `${eksClusterName}.${record}`;


/**
 * The container port every cluster's gateway serves plain HTTP on: the program's NLB target
 * group forwards to it, the GitOps tree's gateway pods and NetworkPolicies open it.
 */
export const GATEWAY_PORT = 8080;

/**
 * The target group of a cluster's gateway, named by the program so the GitOps tree can bind
 * to it by name (`TargetGroupBinding.spec.targetGroupName`): its ARN has a random suffix.
 * ELB names are at most 32 characters; a longer one is shortened with a hash to stay unique.
 */
export const gatewayTargetGroupName = (fleet: string, cluster: string) => elbName(`${fleet}-${cluster}-gw`);

/**
 * With Global Accelerator: a second target group on the cluster's NLB whose health check is
 * the gateway's serving answer. Global Accelerator counts an NLB endpoint healthy only while
 * every target group behind it has a healthy target (AWS Global Accelerator developer guide,
 * "Health check options"), so the endpoint is healthy exactly while the cluster serves.
 */
export const gatewayServingTargetGroupName = (fleet: string, cluster: string) => elbName(`${fleet}-${cluster}-serving`);

/**
 * The node port of the Service that the serving target group reaches the gateway through.
 * Instance targets (the nodes) rather than pod IPs: the Load Balancer Controller injects a
 * pod readiness gate only for IP targets (aws-load-balancer-controller
 * pkg/inject/pod_readiness), so a standby's gateway pods stay Ready while this group sees
 * them answer "not serving".
 */
export const GATEWAY_SERVING_NODE_PORT = 30808;

/** The program-owned NLB in front of a cluster's gateway. */
export const gatewayLoadBalancerName = (fleet: string, cluster: string) => elbName(`${fleet}-${cluster}-nlb`);

function elbName(name: string): string {
  return shortened(name, 32);
}

/** `name`, or when longer than `max` its start and 8 hex digits of its SHA-256, so distinct names stay distinct. */
function shortened(name: string, max: number): string {
  if (name.length <= max) return name;
  const digest = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, max - 9).replace(/-+$/, "")}-${digest}`;
}

/**
 * The layers of a cluster's GitOps tree, each a folder its agent applies on its own:
 * `platform` (namespaces, CRDs, RBAC, the gateway, the add-ons' objects), `traffic` (the
 * cluster's health answers: the failover switch, kept apart so nothing else in the tree can
 * hold it back) and `apps`.
 */
export const TREE_LAYERS = ["platform", "traffic", "apps"] as const;
export type TreeLayer = (typeof TREE_LAYERS)[number];

/** Folders of the GitOps tree a cluster's agent reconciles, relative to the repository root. */
export const gitopsPaths = (root: string, cluster: string): Record<TreeLayer, string> => ({
  platform: `${root}/clusters/${cluster}/platform`,
  traffic: `${root}/clusters/${cluster}/traffic`,
  apps: `${root}/clusters/${cluster}/apps`,
});

/**
 * Where each in-cluster agent runs and which IAM role it uses: a role per cluster through IRSA
 * (`agentRoleName`), or one for the fleet through EKS Pod Identity (`POD_IDENTITY_AGENTS`,
 * `podIdentityRoleName`). The Pulumi side installs the agent with this service account and
 * creates the role; the GitOps side refers to the same names.
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
export const karpenterNodeRoleName = (fleet: string, cluster: string) => karpenterNodeRoleNameOf(eksClusterName(fleet, cluster));
/** The same from the EKS cluster's name: a fleet-wide policy names it through the session's cluster tag. */
export const karpenterNodeRoleNameOf = (eksClusterName: string) => `${eksClusterName}-karpenter-node`;

/** Alias of the key encrypting a cluster's EBS volumes; the StorageClass in the GitOps tree names it. */
export const volumeKeyAlias = (fleet: string, cluster: string) => kmsAliasName(fleet, cluster, "ebs");
export const volumeKeyAliasArn = (region: string, accountId: string, fleet: string, cluster: string) =>
  `arn:aws:kms:${region}:${accountId}:${volumeKeyAlias(fleet, cluster)}`;

/**
 * The tag on each cluster's VPC whose value is the EKS cluster's name: the fleet-wide Load
 * Balancer Controller role creates security groups only in the VPC whose tag names the calling
 * pod's cluster (a VPC ID is assigned by AWS, so no fleet-wide policy can name it).
 */
export const VPC_CLUSTER_TAG = "eks-fleet/eks-cluster-name";

/** The default StorageClass every cluster gets (encrypted gp3, EBS CSI driver). */
export const DEFAULT_STORAGE_CLASS = "gp3-encrypted";

/** Karpenter objects in the platform layer: the pool that scales workloads past the system nodes. */
export const KARPENTER_OBJECTS = { nodePool: "workloads", nodeClass: "workloads" } as const;

export type AgentName = keyof typeof AGENTS;

/**
 * The agents whose one fleet-wide role they reach through EKS Pod Identity
 * (components/fleet-addon-roles.ts); the others keep a role per cluster (IRSA).
 */
export const POD_IDENTITY_AGENTS: readonly AgentName[] = ["karpenter", "ebsCsiDriver", "argocd", "externalDns", "loadBalancerController"];

/**
 * The service account External Secrets authenticates as in each namespace with secrets
 * (IRSA): its role reads only that namespace's secrets. No workload may run as it.
 */
export const SECRETS_READER_SERVICE_ACCOUNT = "secrets-reader";

/** The SecretStore of each namespace with secrets, reading its own region's replica of that namespace's secrets. */
export const NAMESPACE_SECRET_STORE = "aws-secrets-manager";

/** The Role (and RoleBinding) in each such namespace that lets External Secrets mint tokens for the secrets reader only. */
export const SECRETS_TOKEN_ROLE = "external-secrets-token";

/**
 * IAM role of the secrets reader of one namespace in one cluster, e.g. `prod-use1-secrets-payments`.
 * IAM role names stop at 64 characters: a longer one keeps its start and a hash of the whole.
 */
export const namespaceSecretsRoleName = (fleet: string, cluster: string, namespace: string) => shortened(`${fleet}-${cluster}-secrets-${namespace}`, 64);

/** The fleet-wide read-only ClusterRole (never Secrets) and the group bound to it on every cluster. */
export const FLEET_VIEWER_ROLE = "fleet-viewer";
export const FLEET_VIEWERS_GROUP = "fleet-viewers";

/** The service account (in `flux-system`) that applies one layer of the tree: it holds only that layer's rights. */
export const fluxLayerServiceAccount = (layer: string) => `fleet-${layer}`;

/** The Argo CD AppProject (on each hub) that a layer's Applications belong to: it whitelists that layer's kinds. */
export const argocdLayerProject = (layer: string) => `fleet-${layer}`;

/** The ClusterRole of a layer's rights, generated from the allow-list (policies/allow-list.ts). */
export const layerRoleName = (layer: string) => `eks-fleet-${layer}-layer`;

/** Flux objects (in `flux-system`): the source, a Kustomization per layer, the push-webhook Receiver. */
export const FLUX_OBJECTS = { source: "fleet", platform: "platform", traffic: "traffic", apps: "apps", receiver: "fleet" } as const;

/** Velero backup storage locations: `default` is the cluster's own bucket (read-write). */
export const OWN_BACKUP_LOCATION = "default";
/** Read-only location on the replica of a peer's backups that lands in this cluster's bucket. */
export const replicaBackupLocation = (peer: string) => `replica-${peer}`;
/**
 * The Velero Schedule a cluster runs (rendered into its GitOps platform layer), named after the
 * cluster: Velero names a backup `<schedule>-<UTC timestamp to the second>` and its sync imports
 * only names it does not have yet (vmware-tanzu/velero pkg/controller/backup_sync_controller.go),
 * so two clusters on the same cron time must never share a schedule name.
 */
export const backupScheduleName = (cluster: string) => `${cluster}-backup`;

/**
 * Secrets Manager name of the fleet's Kopia repository password: one per fleet, because a
 * restore in a surviving region opens the failed cluster's repository with it.
 */
export const repositoryPasswordSecretName = (fleet: string) => `${fleet}/velero/repository-password`;
/**
 * The Secret (in Velero's namespace) and key Velero reads every repository's password from;
 * Velero creates it with a static default only when it is missing at start
 * (vmware-tanzu/velero pkg/repository/keys/keys.go, EnsureCommonRepositoryKey).
 */
export const VELERO_REPOSITORY_CREDENTIALS = { secret: "velero-repo-credentials", key: "repository-password" } as const;

/** The namespace of the ingress gateway the fleet renders (its Service is every cluster's health-check target). */
export const GATEWAY_NAMESPACE = "ingress";

/** Namespaces Kubernetes itself owns. */
export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

/**
 * Namespaces a `fleet.namespaces` entry may not take: Kubernetes' own, every agent's
 * (AGENTS), the gateway's, and those of add-ons the fleet runs beside them (Karpenter,
 * CloudWatch agent). The fleet would give them default-deny and a quota, cutting the
 * agents' own DNS, API and Git access. Any `kube-*` name is reserved too.
 */
export const RESERVED_NAMESPACES: readonly string[] = [
  ...new Set([...SYSTEM_NAMESPACES, ...Object.values(AGENTS).map((agent) => agent.namespace), GATEWAY_NAMESPACE, "karpenter", "amazon-cloudwatch"]),
].sort();

export const isReservedNamespace = (name: string): boolean => RESERVED_NAMESPACES.includes(name) || name.startsWith("kube-");

/** Written by the renderer at the GitOps tree's root: the overrides declared in code (policies/override-record.ts). */
export const OVERRIDE_RECORD_FILE = "overrides.json";

/** Written at the GitOps tree's root with the tree: where each wave stands (fleet/rollout-state.ts). */
export const ROLLOUT_STATE_FILE = "rollout.json";

/** The file at the root of every tree the renderer writes: only a folder holding it is ever replaced. */
export const TREE_MARKER = ".eks-fleet-tree";
export const TREE_MARKER_CONTENT =
  "# Rendered by eks-fleet (`npm run synth`). Every render replaces this folder as a whole:\n" +
  "# change the stack file or replicated/ instead of editing files here.\n";
