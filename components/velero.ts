import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, names } from "../fleet";
import { BackupStorage } from "./backup-storage";
import { chartSource, VELERO_AWS_PLUGIN_IMAGE } from "./chart-versions";
import { agentIdentity, IrsaRole } from "./irsa-role";
import { ServiceCreatingAddonArgs } from "./addon-args";

export interface VeleroArgs extends ServiceCreatingAddonArgs {
  /** The cluster's own backup bucket and key (its name is its prefix, `backup.replicasFrom` its read-only locations). */
  readonly storage: BackupStorage;
}

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

    const role = new IrsaRole(`${name}-irsa`, {
      ...agentIdentity(fleet, cluster, "velero"),
      oidcProviderArn: args.oidcProviderArn,
      oidcIssuer: args.oidcIssuer,
      statements: veleroStatements(cluster, storage),
    }, { parent: this });

    this.release = new k8s.helm.v3.Release(`${name}-release`, {
      name: "velero",
      ...chartSource("velero"),
      namespace: agent.namespace,
      createNamespace: true,
      values: veleroValues(cluster, storage, role.arn),
    }, { parent: this, provider: args.kubernetesProvider, dependsOn: [args.serviceWebhook] });

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn, release: this.release.status });
  }
}

/**
 * Velero writes only under its own prefix; the peers' prefixes in its bucket are replicas
 * it may read (to restore) but never change, in IAM as well as in the ReadOnly locations.
 * The Kopia repository of file-system backups lives under the same prefix (`<prefix>/kopia/`).
 */
export function veleroStatements(cluster: ClusterSpec, storage: BackupStorage): pulumi.Input<Record<string, unknown>>[] {
  const prefixes = [cluster.backup.prefix, ...cluster.backup.replicasFrom];
  return [
    {
      Sid: "WriteOwnPrefix",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: pulumi.interpolate`${storage.bucketArn}/${cluster.backup.prefix}/*`,
    },
    { Sid: "ReadOwnAndReplicaPrefixes", Effect: "Allow", Action: "s3:GetObject", Resource: prefixes.map((p) => pulumi.interpolate`${storage.bucketArn}/${p}/*`) },
    // Not narrowed by s3:prefix: ListBucket also authorizes HeadBucket, which Kopia calls
    // (without a prefix) before it opens the repository (kopia/kopia repo/blob/s3/s3_storage.go,
    // BucketExists). Listing is read-only anyway.
    { Sid: "ListBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: storage.bucketArn },
    { Sid: "BucketKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: storage.keyArn },
  ];
}

/** Chart values: IRSA instead of a credentials Secret, one read-write and N read-only locations. */
export function veleroValues(cluster: ClusterSpec, storage: BackupStorage, roleArn: pulumi.Input<string>) {
  return {
    credentials: { useSecret: false },
    serviceAccount: {
      server: { name: names.AGENTS.velero.serviceAccount, annotations: { "eks.amazonaws.com/role-arn": roleArn } },
    },
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
