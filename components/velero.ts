import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
import { BackupStorage } from "./backup-storage";
import { chartSource, VELERO_AWS_PLUGIN_IMAGE } from "./chart-versions";
import { agentIdentity, IrsaRole } from "./irsa-role";
import { IrsaAddonArgs } from "./addon-args";
import { externalSecretsTokenGrant, secretArnPattern } from "./external-secrets";

export interface VeleroArgs extends IrsaAddonArgs {
  /** The cluster's own backup bucket and key (its name is its prefix, `backup.replicasFrom` its read-only locations). */
  readonly storage: BackupStorage;
  /** The secrets key of the cluster's region (`ReplicatedSecrets.keyArns[region]`), which encrypts the password's replica here. */
  readonly regionKeyArn: pulumi.Input<string>;
  /** The cluster's External Secrets release: its CRDs and controller deliver the password. */
  readonly externalSecrets: pulumi.Resource;
}

/** external-secrets.io/v1, as the GitOps tree uses it (served by External Secrets 0.16 and later). */
const EXTERNAL_SECRETS_API = "external-secrets.io/v1";

/**
 * Velero in one cluster, with file-system backups of volumes (no EBS snapshots, which would
 * stay in this region), writing to its own bucket and reading the replicas of its peers'
 * backups through read-only locations, for a restore after a peer is lost.
 * The backup Schedule itself lives in the GitOps tree.
 */
export class Velero extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  /** Installs the Velero CRDs the GitOps tree uses (Schedule). */
  public readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: VeleroArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:backup:Velero", name, {}, opts);
    const { fleet, cluster, storage } = args;
    const agent = names.AGENTS.velero;

    // IRSA, not EKS Pod Identity: Pod Identity is not confirmed for Velero (velero-io/velero#7421,
    // open), its repository-password store authenticates as this service account through External
    // Secrets' web-identity auth, and its write scope is the cluster's short-name prefix, which no
    // session tag carries.
    const role = new IrsaRole(`${name}-irsa`, {
      ...agentIdentity(fleet, cluster, "velero"),
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      statements: [...veleroStatements(cluster, storage), ...repositoryPasswordStatements(fleet, cluster, args.regionKeyArn)],
    }, { parent: this });

    // The repository password reaches the cluster before Velero does: Velero creates its Secret
    // with a static default when it is missing at start, and the first backup initializes
    // every repository with whatever the Secret holds then. So the namespace, Velero's service
    // account and the ExternalSecret are made here, and the release waits until External
    // Secrets has written the Secret (`pulumi.com/waitFor`, the Ready condition).
    const k8sOpts = { parent: this, provider: args.kubernetesProvider };
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: agent.namespace } }, k8sOpts);
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-service-account`, {
      metadata: { name: agent.serviceAccount, namespace: agent.namespace, annotations: { "eks.amazonaws.com/role-arn": role.arn } },
    }, { ...k8sOpts, dependsOn: [namespace] });
    // External Secrets mints tokens for no account unless granted (components/external-secrets.ts).
    const tokenGrant = externalSecretsTokenGrant(`${name}-token-grant`, agent.namespace, agent.serviceAccount, { ...k8sOpts, dependsOn: [namespace] });
    const store = new k8s.apiextensions.CustomResource(`${name}-secret-store`, {
      apiVersion: EXTERNAL_SECRETS_API,
      kind: "SecretStore",
      metadata: { name: REPOSITORY_PASSWORD_STORE, namespace: agent.namespace },
      spec: repositoryPasswordStore(cluster),
    }, { ...k8sOpts, dependsOn: [serviceAccount, args.externalSecrets, ...tokenGrant] });
    const password = new k8s.apiextensions.CustomResource(`${name}-repository-password`, {
      apiVersion: EXTERNAL_SECRETS_API,
      kind: "ExternalSecret",
      metadata: {
        name: names.VELERO_REPOSITORY_CREDENTIALS.secret,
        namespace: agent.namespace,
        annotations: { "pulumi.com/waitFor": "condition=Ready", "pulumi.com/timeoutSeconds": "600" },
      },
      spec: repositoryPasswordExternalSecret(fleet),
    // No edge to the password's home-region secret: a cluster never waits on another region;
    // External Secrets reads this region's replica and retries until it has a value.
    }, { ...k8sOpts, dependsOn: [store] });

    this.release = new k8s.helm.v3.Release(`${name}-release`, {
      name: "velero",
      ...chartSource("velero"),
      namespace: agent.namespace,
      values: veleroValues(cluster, storage),
    }, { ...k8sOpts, dependsOn: [args.serviceWebhook, serviceAccount, password] });

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn, release: this.release.status });
  }
}

/** The SecretStore in Velero's namespace: Secrets Manager in the cluster's own region, as Velero's role. */
export const REPOSITORY_PASSWORD_STORE = "velero-repository";

/**
 * Velero writes only under its own prefix; the peers' prefixes in its bucket are replicas
 * it may read (to restore) but never change, in IAM as well as in the ReadOnly locations.
 * The Kopia repository of file-system backups lives under the same prefix (`<prefix>/kopia/`).
 *
 * One exception: a restore writes its log and results under the backup's location, whatever
 * its access mode (vmware-tanzu/velero pkg/controller/restore_controller.go, `PutRestoreLog`,
 * `putResults`, …; layout `<prefix>/restores/<restore>/` in pkg/persistence/object_store_layout.go),
 * and deletes them when the Restore is deleted (`DeleteRestore`). So `<peer>/restores/` is
 * writable; it never replicates anywhere, because this bucket replicates only its own prefix.
 * Velero never initializes or maintains a Kopia repository on a ReadOnly location
 * (pkg/repository/provider/unified_repo.go, pkg/controller/backup_repository_controller.go).
 */
export function veleroStatements(cluster: ClusterSpec, storage: BackupStorage): pulumi.Input<Record<string, unknown>>[] {
  const prefixes = [cluster.backup.prefix, ...cluster.backup.replicasFrom];
  const writes = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"];
  return [
    { Sid: "WriteOwnPrefix", Effect: "Allow", Action: writes, Resource: pulumi.interpolate`${storage.bucketArn}/${cluster.backup.prefix}/*` },
    ...(cluster.backup.replicasFrom.length === 0 ? [] : [{
      Sid: "WriteRestoreResultsOfReplicas",
      Effect: "Allow",
      Action: writes,
      Resource: cluster.backup.replicasFrom.map((peer) => pulumi.interpolate`${storage.bucketArn}/${peer}/restores/*`),
    }]),
    { Sid: "ReadOwnAndReplicaPrefixes", Effect: "Allow", Action: "s3:GetObject", Resource: prefixes.map((p) => pulumi.interpolate`${storage.bucketArn}/${p}/*`) },
    // Not narrowed by s3:prefix: ListBucket also authorizes HeadBucket, which Kopia calls
    // (without a prefix) before it opens the repository (kopia/kopia repo/blob/s3/s3_storage.go,
    // BucketExists). Listing is read-only anyway.
    { Sid: "ListBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: storage.bucketArn },
    { Sid: "BucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: storage.keyArn },
  ];
}

/** Velero's role reads the fleet's repository password from its own region's replica, and nothing else in Secrets Manager. */
export function repositoryPasswordStatements(fleet: FleetSpec, cluster: ClusterSpec, regionKeyArn: pulumi.Input<string>): pulumi.Input<Record<string, unknown>>[] {
  return [
    {
      Sid: "ReadRepositoryPassword",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: secretArnPattern(cluster.region, fleet.accountId, names.repositoryPasswordSecretName(fleet.name)),
    },
    { Sid: "DecryptRepositoryPassword", Effect: "Allow", Action: "kms:Decrypt", Resource: regionKeyArn },
  ];
}

/** Secrets Manager of the cluster's region, as Velero's service account (IRSA through External Secrets' jwt auth). */
export function repositoryPasswordStore(cluster: ClusterSpec) {
  return {
    provider: {
      aws: {
        service: "SecretsManager",
        region: cluster.region,
        auth: { jwt: { serviceAccountRef: { name: names.AGENTS.velero.serviceAccount } } },
      },
    },
  };
}

/** The Secret Velero reads the repository password from, filled from Secrets Manager. */
export function repositoryPasswordExternalSecret(fleet: FleetSpec) {
  return {
    // Read once: a later change in Secrets Manager must never reach Velero, whose repositories
    // keep the password they were created with; a deleted Secret is still written again
    // (external-secrets pkg/controllers/externalsecret, shouldRefresh and isSecretValid).
    refreshPolicy: "CreatedOnce",
    secretStoreRef: { kind: "SecretStore", name: REPOSITORY_PASSWORD_STORE },
    target: { name: names.VELERO_REPOSITORY_CREDENTIALS.secret, creationPolicy: "Owner" },
    data: [{ secretKey: names.VELERO_REPOSITORY_CREDENTIALS.key, remoteRef: { key: names.repositoryPasswordSecretName(fleet.name) } }],
  };
}

/** Chart values: IRSA on the service account the program made, one read-write and N read-only locations. */
export function veleroValues(cluster: ClusterSpec, storage: BackupStorage) {
  return {
    credentials: { useSecret: false },
    serviceAccount: { server: { create: false, name: names.AGENTS.velero.serviceAccount } },
    initContainers: [{
      name: "velero-plugin-for-aws",
      image: VELERO_AWS_PLUGIN_IMAGE,
      imagePullPolicy: "IfNotPresent",
      volumeMounts: [{ mountPath: "/target", name: "plugins" }],
    }],
    snapshotsEnabled: false,
    deployNodeAgent: true,
    // Velero needs to create any kind of object on restore, so it gets cluster-admin.
    rbac: { create: true, clusterAdministrator: true },
    configuration: {
      defaultVolumesToFsBackup: true,
      backupStorageLocation: [
        {
          name: names.OWN_BACKUP_LOCATION,
          provider: "aws",
          bucket: storage.bucketName,
          prefix: cluster.name,
          default: true,
          accessMode: "ReadWrite",
          config: { region: cluster.region, kmsKeyId: storage.keyArn },
        },
        // Peers' backups replicate into our bucket under their prefix; never write there.
        ...cluster.backup.replicasFrom.map((peer) => ({
          name: names.replicaBackupLocation(peer),
          provider: "aws",
          bucket: storage.bucketName,
          prefix: peer,
          accessMode: "ReadOnly",
          config: { region: cluster.region },
        })),
      ],
    },
  };
}
