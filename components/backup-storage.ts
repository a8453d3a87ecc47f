import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
import { ENCRYPT_DECRYPT, keyPolicy, rolesViaService } from "./key-policy";
import { clusterTags } from "./tags";

/** The role S3 uses to replicate a cluster's backups to its partner (named so key policies can refer to it). */
export const backupReplicationRoleName = (fleet: FleetSpec, cluster: string) => names.agentRoleName(fleet.name, cluster, "backup-replication");

export interface BackupStorageArgs {
  /** The fleet: supplies the backup retention (`backup.retentionDays`). */
  readonly fleet: FleetSpec;
  /** The cluster whose Velero writes here: supplies `backup.bucket` and the tags. */
  readonly cluster: ClusterSpec;
}

/** Uploads Velero never finished are garbage after a week. */
const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;
/** How long a deleted (or overwritten) backup object stays recoverable as a noncurrent version. */
export const NONCURRENT_DAYS = 7;
/** A replica outlives its source by this much, so it is never gone before the source's Velero expired it. */
export const REPLICA_GRACE_DAYS = 2;
/**
 * The folders Velero writes under a location's prefix that it does not share between backups:
 * `backups/<name>/` and `restores/<name>/` (vmware-tanzu/velero pkg/persistence/object_store_layout.go).
 * `kopia/` holds the file-system backup repository, whose packs and indexes are shared by
 * every backup and cleaned only by Kopia maintenance: no rule may ever match it
 * (vmware-tanzu/velero#6916).
 */
export const VELERO_EXPIRABLE_FOLDERS = ["backups", "restores"] as const;
/** Kopia's repository folder under a location's prefix (pkg/persistence/object_store_layout.go). */
export const KOPIA_FOLDER = "kopia";

/**
 * Lifecycle rules of one cluster's bucket, per prefix it holds.
 * - Its own prefix: Velero's TTL and garbage collection delete expired backups, so S3 only
 *   removes what versioning keeps behind (noncurrent versions, then the lone delete markers).
 * - A peer's replicated prefix: no Velero deletes there (the location is read-only and delete
 *   markers are not replicated), so current versions expire after the retention plus a grace.
 * - Kopia's repository under either: only what is no longer current goes, the versions a
 *   blob leaves when Kopia's maintenance deletes or rewrites it (and then the lone delete
 *   markers). Current versions are the repository itself and are never touched: a rule that
 *   expired them would make every file-system backup unrestorable (vmware-tanzu/velero#6916).
 */
export function backupLifecycleRules(cluster: ClusterSpec, retentionDays: number): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  const abortIncompleteMultipartUpload = { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS };
  const noncurrentVersionExpiration = { noncurrentDays: NONCURRENT_DAYS };
  const rules = (prefix: string, expiration: aws.types.input.s3.BucketLifecycleConfigurationRuleExpiration) =>
    VELERO_EXPIRABLE_FOLDERS.map((folder) => ({
      id: `${prefix}-${folder}`,
      status: "Enabled",
      filter: { prefix: `${prefix}/${folder}/` },
      expiration,
      noncurrentVersionExpiration,
      abortIncompleteMultipartUpload,
    }));
  const kopia = (prefix: string) => ({
    id: `${prefix}-${KOPIA_FOLDER}-noncurrent`,
    status: "Enabled",
    filter: { prefix: `${prefix}/${KOPIA_FOLDER}/` },
    expiration: { expiredObjectDeleteMarker: true },
    noncurrentVersionExpiration,
    abortIncompleteMultipartUpload,
  });
  return [
    ...rules(cluster.backup.prefix, { expiredObjectDeleteMarker: true }),
    // With `days`, S3 also removes the delete markers it leaves once they are old enough.
    ...cluster.backup.replicasFrom.flatMap((peer) => rules(peer, { days: retentionDays + REPLICA_GRACE_DAYS })),
    ...[cluster.backup.prefix, ...cluster.backup.replicasFrom].map(kopia),
  ];
}

/**
 * One cluster's Velero bucket, in the cluster's region: versioned (replication needs it and
 * it keeps overwritten backups), SSE-KMS with its own rotating key, never public, TLS only,
 * and a lifecycle that cleans up after Velero without ever touching Kopia's repository.
 *
 * Pass `{ parent: regionalCluster }` so it inherits that cluster's regional AWS provider.
 */
export class BackupStorage extends pulumi.ComponentResource {
  public readonly bucketArn: pulumi.Output<string>;
  public readonly bucketName: pulumi.Output<string>;
  public readonly keyArn: pulumi.Output<string>;
  /** Replication configs must wait for versioning to be on. */
  public readonly versioning: aws.s3.BucketVersioning;

  constructor(name: string, args: BackupStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:backup:BackupStorage", name, {}, opts);
    const parent = { parent: this };
    const { fleet, cluster } = args;
    const tags = { ...clusterTags(fleet, cluster), "eks-fleet/purpose": "backup" };
    const retentionDays = fleet.backup.retentionDays;

    // Retained with the bucket: its backups stay readable only while their key lives.
    const key = new aws.kms.Key(`${name}-key`, {
      description: `Velero backups of ${cluster.eksClusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // Velero, this bucket's replication role (reads to replicate out) and the replication
      // roles of the peers whose backups land here (write replicas), all through S3 only.
      policy: keyPolicy(fleet.accountId, [{
        sid: "VeleroAndReplicationThroughS3",
        actions: ENCRYPT_DECRYPT,
        ...rolesViaService(fleet.accountId, [
          names.roleArn(fleet.accountId, names.agentRoleName(fleet.name, cluster.name, names.AGENTS.velero.role)),
          ...[cluster.name, ...cluster.backup.replicasFrom].map((c) => names.roleArn(fleet.accountId, backupReplicationRoleName(fleet, c))),
        ], "s3", cluster.region),
      }]),
      tags,
    }, { ...parent, retainOnDelete: true });

    // Backups are the last copy of a lost cluster's state: never delete a non-empty bucket, and
    // keep it when its cluster leaves the fleet (the removal succeeds, the backups stay restorable).
    const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: cluster.backup.bucket, forceDestroy: false, tags }, { ...parent, retainOnDelete: true });

    this.versioning = new aws.s3.BucketVersioning(`${name}-versioning`, {
      bucket: bucket.id,
      versioningConfiguration: { status: "Enabled" },
    }, parent);

    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
      bucket: bucket.id,
      rules: [{
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
        // Fewer KMS calls (and cost) per object.
        bucketKeyEnabled: true,
      }],
    }, parent);

    new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, parent);

    new aws.s3.BucketPolicy(`${name}-policy`, {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
      }),
    }, parent);

    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
      bucket: bucket.id,
      rules: backupLifecycleRules(cluster, retentionDays),
    }, { parent: this, dependsOn: [this.versioning] });

    this.bucketArn = bucket.arn;
    this.bucketName = bucket.bucket;
    this.keyArn = key.arn;
    this.registerOutputs({ bucketArn: this.bucketArn, bucketName: this.bucketName, keyArn: this.keyArn });
  }
}
