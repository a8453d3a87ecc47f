import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec } from "../fleet";
import { clusterTags } from "./tags";

export interface BackupStorageArgs {
  /** The fleet: supplies the backup retention (`backup.retentionDays`). */
  readonly fleet: FleetSpec;
  /** The cluster whose Velero writes here: supplies `backup.bucket` and the tags. */
  readonly cluster: ClusterSpec;
}

/** Uploads Velero never finished are garbage after a week. */
const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/**
 * One cluster's Velero bucket, in the cluster's region: versioned (replication needs it and
 * it keeps overwritten backups), SSE-KMS with its own rotating key, never public, TLS only,
 * and expiring backups after the fleet's retention.
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
      rules: [{
        id: "retention",
        status: "Enabled",
        filter: {},
        expiration: { days: retentionDays },
        // Old versions would otherwise keep expired backups (and their cost) forever.
        noncurrentVersionExpiration: { noncurrentDays: retentionDays },
        abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
      }],
    }, { parent: this, dependsOn: [this.versioning] });

    this.bucketArn = bucket.arn;
    this.bucketName = bucket.bucket;
    this.keyArn = key.arn;
    this.registerOutputs({ bucketArn: this.bucketArn, bucketName: this.bucketName, keyArn: this.keyArn });
  }
}
