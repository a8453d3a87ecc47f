import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, REPLICATION_BOUND_SECONDS } from "../fleet";
import { backupReplicationRoleName } from "./backup-storage";
import { clusterTags } from "./tags";

export interface BackupReplicationArgs {
  /** The fleet, for tags. */
  readonly fleet: FleetSpec;
  /** The cluster whose backups replicate; its name is the replicated prefix. */
  readonly cluster: ClusterSpec;
  /** The cluster's own backup storage. */
  readonly source: ReplicationEnd;
  /** The partner cluster's backup storage, in another region. */
  readonly destination: ReplicationEnd;
}

/**
 * What a replication rule names of a bucket: a `BackupStorage`, or in a per-cluster fleet's
 * links stack the values its cluster's stack published (the bucket exists, versioned: that
 * stack deployed first).
 */
export interface ReplicationEnd {
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  /** Replication needs versioning on both ends (S3 refuses the rule otherwise): waited for when built in the same run. */
  readonly versioning?: pulumi.Resource;
}

/** Replication Time Control: S3 replicates 99.99 % of objects within 15 minutes (fleet/dr.ts). */
const RTC_MINUTES = REPLICATION_BOUND_SECONDS / 60;

/** The replication rule of a cluster's prefix (its id is a dimension of the rule's metrics). */
export const replicationRuleId = (cluster: string) => `${cluster}-backups`;

/**
 * Who may assume a cluster's replication role, against the confused deputy (IAM user guide,
 * "The confused deputy problem"; AWS condition keys `aws:SourceAccount`, `aws:SourceArn`):
 * S3 only while replicating this cluster's bucket, and S3 Batch Operations only for a job of
 * this account in the bucket's region (Batch Replication of existing objects when a pair
 * moves: docs/RUNBOOK.md, "When a backup partner changes"; AWS S3 user guide, "Configuring
 * an IAM role for S3 Batch Replication").
 */
export function replicationTrustPolicy(fleet: FleetSpec, cluster: ClusterSpec) {
  const account = { StringEquals: { "aws:SourceAccount": fleet.accountId } };
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "S3ReplicatesThisBucket",
        Effect: "Allow",
        Principal: { Service: "s3.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { ...account, ArnLike: { "aws:SourceArn": `arn:aws:s3:::${cluster.backup.bucket}` } },
      },
      {
        Sid: "BatchReplicationOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "batchoperations.s3.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { ...account, ArnLike: { "aws:SourceArn": `arn:aws:s3:${cluster.region}:${fleet.accountId}:job/*` } },
      },
    ],
  };
}

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
      assumeRolePolicy: JSON.stringify(replicationTrustPolicy(fleet, cluster)),
      inlinePolicies: [{
        name: "replicate-backups",
        policy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [
            // PutInventoryConfiguration: a Batch Replication job generates its manifest from an inventory of the bucket.
            { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket", "s3:PutInventoryConfiguration"], Resource: source.bucketArn },
            // What a Batch Replication job does to each existing object of the prefix.
            { Effect: "Allow", Action: "s3:InitiateReplication", Resource: pulumi.interpolate`${source.bucketArn}/${cluster.name}/*` },
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
        id: replicationRuleId(cluster.name),
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
    }, { parent: this, dependsOn: [source.versioning, destination.versioning].filter((r): r is pulumi.Resource => r !== undefined) });

    new aws.cloudwatch.MetricAlarm(`${name}-latency`, replicationLatencyAlarmArgs(fleet, cluster), { parent: this });
    this.registerOutputs({});
  }
}

/**
 * An alarm on the rule's `ReplicationLatency` (the most seconds the destination is behind),
 * raised once it passes Replication Time Control's bound: a minute-by-minute metric, so a
 * breach is seen within a minute or two, long before anyone would look at a restore. S3
 * publishes replication metrics in the destination bucket's region (AWS S3 user guide,
 * "Using S3 Replication metrics"), so the alarm lives there; its dimensions are names the
 * fleet computes, so it waits for no resource of another region. It notifies
 * `backup.alarmTopic` in that region when the stack names one.
 */
export function replicationLatencyAlarmArgs(fleet: FleetSpec, cluster: ClusterSpec): aws.cloudwatch.MetricAlarmArgs {
  const partner = fleet.clusters.find((c) => c.name === cluster.backup.partner)!;
  const topic = fleet.backup.alarmTopic ? [`arn:aws:sns:${partner.region}:${fleet.accountId}:${fleet.backup.alarmTopic}`] : [];
  return {
    region: partner.region,
    name: `${cluster.eksClusterName}-backup-replication-latency`,
    alarmDescription: `Backups of ${cluster.name} (${cluster.region}) reach ${partner.name}'s bucket (${partner.region}) later than S3 Replication Time Control's ${RTC_MINUTES} minutes: the RPO in plan.json no longer holds (docs/RUNBOOK.md, section 5).`,
    namespace: "AWS/S3",
    metricName: "ReplicationLatency",
    dimensions: { SourceBucket: cluster.backup.bucket, DestinationBucket: partner.backup.bucket, RuleId: replicationRuleId(cluster.name) },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    threshold: REPLICATION_BOUND_SECONDS,
    comparisonOperator: "GreaterThanThreshold",
    // S3 publishes the metric even when nothing replicates; it starts 15 minutes after RTC is on.
    treatMissingData: "missing",
    alarmActions: topic,
    okActions: topic,
    tags: clusterTags(fleet, cluster),
  };
}
