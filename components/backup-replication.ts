import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec } from "../fleet";
import { BackupStorage, backupReplicationRoleName } from "./backup-storage";
import { clusterTags } from "./tags";

export interface BackupReplicationArgs {
  /** The fleet, for tags. */
  readonly fleet: FleetSpec;
  /** The cluster whose backups replicate; its name is the replicated prefix. */
  readonly cluster: ClusterSpec;
  /** The cluster's own backup storage. */
  readonly source: BackupStorage;
  /** The partner cluster's backup storage, in another region. */
  readonly destination: BackupStorage;
}

/** Replication Time Control: S3 replicates 99.99 % of objects within 15 minutes. */
const RTC_MINUTES = 15;

/**
 * Replicates one cluster's backups (its `<cluster>/` prefix) into its partner's bucket in
 * another region, with Replication Time Control, re-encrypted with the partner's key. The
 * partner's Velero reads them through a read-only backup storage location.
 */
export class BackupReplication extends pulumi.ComponentResource {
  constructor(name: string, args: BackupReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:backup:BackupReplication", name, {}, opts);
    const { fleet, cluster, source, destination } = args;
    const tags = clusterTags(fleet, cluster);

    const role = new aws.iam.Role(`${name}-role`, {
      name: backupReplicationRoleName(fleet, cluster.name),
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      inlinePolicies: [{
        name: "replicate-backups",
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: source.bucketArn },
            {
              Effect: "Allow",
              Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
              Resource: pulumi.interpolate`${source.bucketArn}/*`,
            },
            {
              Effect: "Allow",
              Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
              Resource: pulumi.interpolate`${destination.bucketArn}/*`,
            },
            { Effect: "Allow", Action: "kms:Decrypt", Resource: source.keyArn },
            { Effect: "Allow", Action: "kms:Encrypt", Resource: destination.keyArn },
          ],
        }),
      }],
      tags,
    }, { parent: this });

    new aws.s3.BucketReplicationConfig(`${name}-config`, {
      bucket: source.bucketName,
      role: role.arn,
      rules: [{
        id: `${cluster.name}-backups`,
        status: "Enabled",
        filter: { prefix: `${cluster.name}/` },
        // Deletions stay local: a backup deleted (or expired, or wiped by an attacker) here
        // must remain restorable from the partner region.
        deleteMarkerReplication: { status: "Disabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: destination.bucketArn,
          storageClass: "STANDARD",
          encryptionConfiguration: { replicaKmsKeyId: destination.keyArn },
          replicationTime: { status: "Enabled", time: { minutes: RTC_MINUTES } },
          metrics: { status: "Enabled", eventThreshold: { minutes: RTC_MINUTES } },
        },
      }],
    }, { parent: this, dependsOn: [source.versioning, destination.versioning] });

    this.registerOutputs({});
  }
}
