import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, FleetSpec, names } from "../fleet";
import { keyPolicy } from "./key-policy";
import { clusterTags } from "./tags";

/** Audit trails outlive most investigations: a year, then CloudWatch deletes them. */
export const CONTROL_PLANE_LOG_RETENTION_DAYS = 365;

/** The group EKS writes control-plane logs to; it creates it (unencrypted, kept forever) unless it exists. */
export const controlPlaneLogGroupName = names.controlPlaneLogGroupName;

export interface ControlPlaneLogsArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
}

/**
 * The control-plane log group of one cluster, created before the cluster so EKS writes into
 * it instead of creating its own: KMS-encrypted with a key only CloudWatch Logs may use,
 * and only for this log group (encryption-context condition, as the CloudWatch Logs user
 * guide's "Encrypt log data in CloudWatch Logs using AWS KMS" describes).
 */
export class ControlPlaneLogs extends pulumi.ComponentResource {
  public readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: ControlPlaneLogsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:cluster:ControlPlaneLogs", name, {}, opts);
    const { fleet, cluster } = args;
    const tags = clusterTags(fleet, cluster);
    const groupName = controlPlaneLogGroupName(cluster.eksClusterName);
    const groupArn = `arn:aws:logs:${cluster.region}:${fleet.accountId}:log-group:${groupName}`;

    const key = new aws.kms.Key(`${name}-key`, {
      description: `Control-plane logs of ${cluster.eksClusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy(fleet.accountId, [{
        sid: "CloudWatchLogsForThisGroupOnly",
        principal: { Service: `logs.${cluster.region}.amazonaws.com` },
        actions: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": groupArn } },
      }]),
      tags,
    }, { parent: this });
    new aws.kms.Alias(`${name}-key`, { name: names.kmsAliasName(fleet.name, cluster.name, "control-plane-logs"), targetKeyId: key.keyId }, { parent: this });

    this.logGroup = new aws.cloudwatch.LogGroup(`${name}-group`, {
      name: groupName,
      retentionInDays: CONTROL_PLANE_LOG_RETENTION_DAYS,
      kmsKeyId: key.arn,
      tags,
    }, { parent: this });
    this.registerOutputs({ logGroup: this.logGroup.name });
  }
}
