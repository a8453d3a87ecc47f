import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterSpec, CORE_ADDON_VERSIONS, FleetSpec, names } from "../fleet";
import { FleetRole, OWN_CLUSTER, SESSION_TAGS } from "./pod-identity-role";
import { ENCRYPT_DECRYPT, keyPolicy, rolesViaService } from "./key-policy";
import { clusterTags } from "./tags";

/** A managed add-on, installed through the EKS API rather than the cluster's. */
export interface EbsCsiDriverArgs {
  readonly fleet: FleetSpec;
  readonly cluster: ClusterSpec;
  /** The cluster's name as its output: the add-on is created and upgraded after the control plane. */
  readonly clusterName: pulumi.Input<string>;
  /** The fleet-wide role of the driver's controller (`FleetAddonRoles.ebsCsiDriver`). */
  readonly role: FleetRole;
  /** The add-on's controller runs on nodes: it becomes ACTIVE only once they exist. */
  readonly nodes: pulumi.Resource;
  /** The cluster's Pod Identity Agent, which hands the controller its credentials. */
  readonly podIdentityAgent: pulumi.Resource;
}

/** The tag the driver puts on every volume and snapshot when `k8sTagClusterId` is set (EBS_CSI_CLUSTER_TAG_SINCE, docs/tagging.md). */
export const EBS_CSI_CLUSTER_TAG = "ebs.csi.aws.com/cluster-name";

/**
 * The EBS CSI driver as an EKS managed add-on, so PersistentVolumeClaims (of restored
 * workloads too) get volumes. Its controller uses the fleet-wide role through an EKS Pod
 * Identity association the add-on owns (EKS user guide, "Use Pod Identities to assign an IAM
 * role to an Amazon EKS add-on"; the driver is among the add-ons that support it). Each
 * cluster keeps its own volume key, which only sessions of this cluster may use.
 */
export class EbsCsiDriver extends pulumi.ComponentResource {
  public readonly addon: aws.eks.Addon;
  public readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: EbsCsiDriverArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eks-fleet:storage:EbsCsiDriver", name, {}, opts);
    const { fleet, cluster } = args;
    const agent = names.AGENTS.ebsCsiDriver;
    const tags = clusterTags(fleet, cluster);
    // The role serves every cluster: its sessions may use this key only when they are this cluster's.
    const driver = ownClusterOnly(rolesViaService(fleet.accountId, [args.role.arn], "ec2", cluster.region), cluster.eksClusterName);

    const key = new aws.kms.Key(`${name}-key`, {
      description: `EBS volumes of ${cluster.eksClusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy(fleet.accountId, [
        { sid: "DriverThroughEc2", actions: ENCRYPT_DECRYPT, ...driver },
        // EC2 attaches an encrypted volume through a grant the driver creates for it.
        { sid: "DriverGrantsToEc2", actions: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], ...withGrantForAwsResource(driver) },
      ]),
      tags,
    }, { parent: this });
    new aws.kms.Alias(`${name}-key`, { name: names.volumeKeyAlias(fleet.name, cluster.name), targetKeyId: key.keyId }, { parent: this });

    this.addon = new aws.eks.Addon(`${name}-addon`, {
      clusterName: args.clusterName,
      addonName: "aws-ebs-csi-driver",
      // Pinned per Kubernetes version, at a driver that sets the tag the role requires (fleet/versions.ts).
      addonVersion: CORE_ADDON_VERSIONS[cluster.kubernetesVersion].ebsCsiDriver,
      podIdentityAssociations: [{ roleArn: args.role.arn, serviceAccount: agent.serviceAccount }],
      // Tags every volume and snapshot with the cluster's name, which the role's policy requires.
      configurationValues: JSON.stringify({ controller: { k8sTagClusterId: cluster.eksClusterName } }),
      resolveConflictsOnCreate: "OVERWRITE",
      // The fleet owns the configuration: an edit made out of band is reset on the next update.
      resolveConflictsOnUpdate: "OVERWRITE",
      tags,
    }, { parent: this, dependsOn: [args.nodes, args.podIdentityAgent, ...(args.role.role ? [args.role.role] : [])] });
    this.keyArn = key.arn;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}

/** A key user narrowed to sessions whose Pod Identity cluster tag is `eksClusterName`. */
function ownClusterOnly(user: ReturnType<typeof rolesViaService>, eksClusterName: string): ReturnType<typeof rolesViaService> {
  const condition = user.condition as { StringEquals: Record<string, unknown> };
  return { ...user, condition: { ...condition, StringEquals: { ...condition.StringEquals, [`aws:PrincipalTag/${SESSION_TAGS.clusterName}`]: eksClusterName } } };
}

function withGrantForAwsResource(user: ReturnType<typeof rolesViaService>): ReturnType<typeof rolesViaService> {
  return { ...user, condition: { ...user.condition, Bool: { "kms:GrantIsForAWSResource": "true" } } };
}

/**
 * The driver's permissions, for one role the controllers of every cluster share: the upstream
 * cluster-scoped policy (kubernetes-sigs/aws-ebs-csi-driver docs/
 * AmazonEBSCSIDriverEKSClusterScopedPolicy.json, written for EKS Pod Identity's
 * `${aws:PrincipalTag/eks-cluster-name}`), with the account named: describe anything, change
 * only the calling pod's cluster's volumes and snapshots, and use only that cluster's volume
 * key, found by its alias (`alias/<cluster>-ebs`, `names.volumeKeyAlias`) because its ID is
 * AWS's to choose (AWS KMS developer guide, "kms:ResourceAliases").
 */
export function ebsCsiStatements(accountId: string): Record<string, unknown>[] {
  const arn = (resource: string, account = accountId) => `arn:aws:ec2:*:${account}:${resource}`;
  const own = (key: string) => ({ StringEquals: { [key]: OWN_CLUSTER } });
  const volumes = arn("volume/*");
  // Snapshot ARNs carry no account, like AMIs.
  const snapshots = arn("snapshot/*", "");
  const keys = `arn:aws:kms:*:${accountId}:key/*`;
  const ownKey = { "ForAnyValue:StringEquals": { "kms:ResourceAliases": `alias/${OWN_CLUSTER}-ebs` } };
  return [
    {
      Sid: "ReadOnlyDescribeOperations",
      Effect: "Allow",
      Action: ["ec2:DescribeAvailabilityZones", "ec2:DescribeInstances", "ec2:DescribeInstanceTypes", "ec2:DescribeSnapshots", "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications", "ec2:DescribeVolumeStatus"],
      Resource: "*",
    },
    { Sid: "CreateAndCopyVolumesWithClusterTag", Effect: "Allow", Action: ["ec2:CreateVolume", "ec2:CopyVolumes"], Resource: volumes, Condition: own(`aws:RequestTag/${EBS_CSI_CLUSTER_TAG}`) },
    { Sid: "CopyClusterVolumes", Effect: "Allow", Action: "ec2:CopyVolumes", Resource: volumes, Condition: own(`ec2:ResourceTag/${EBS_CSI_CLUSTER_TAG}`) },
    { Sid: "CreateSnapshotsWithClusterTag", Effect: "Allow", Action: "ec2:CreateSnapshot", Resource: snapshots, Condition: own(`aws:RequestTag/${EBS_CSI_CLUSTER_TAG}`) },
    { Sid: "CreateSnapshotsFromClusterVolumes", Effect: "Allow", Action: "ec2:CreateSnapshot", Resource: volumes, Condition: own(`ec2:ResourceTag/${EBS_CSI_CLUSTER_TAG}`) },
    {
      Sid: "ManageClusterVolumes",
      Effect: "Allow",
      Action: ["ec2:ModifyVolume", "ec2:AttachVolume", "ec2:DetachVolume", "ec2:DeleteVolume"],
      Resource: volumes,
      Condition: own(`ec2:ResourceTag/${EBS_CSI_CLUSTER_TAG}`),
    },
    {
      Sid: "CreateVolumesFromClusterSnapshots",
      Effect: "Allow",
      Action: ["ec2:CreateVolume", "ec2:EnableFastSnapshotRestores"],
      Resource: snapshots,
      Condition: own(`ec2:ResourceTag/${EBS_CSI_CLUSTER_TAG}`),
    },
    // EKS tags managed nodes with eks:cluster-name; the EC2NodeClass tags Karpenter's nodes with the driver's tag.
    { Sid: "AttachToClusterInstances", Effect: "Allow", Action: ["ec2:AttachVolume", "ec2:DetachVolume"], Resource: arn("instance/*"), Condition: own("ec2:ResourceTag/eks:cluster-name") },
    { Sid: "AttachToTaggedInstances", Effect: "Allow", Action: ["ec2:AttachVolume", "ec2:DetachVolume"], Resource: arn("instance/*"), Condition: own(`ec2:ResourceTag/${EBS_CSI_CLUSTER_TAG}`) },
    { Sid: "DeleteAndLockClusterSnapshots", Effect: "Allow", Action: ["ec2:DeleteSnapshot", "ec2:LockSnapshot"], Resource: snapshots, Condition: own(`ec2:ResourceTag/${EBS_CSI_CLUSTER_TAG}`) },
    {
      Sid: "TagResourcesOnCreation",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: [volumes, snapshots],
      Condition: { StringEquals: { "ec2:CreateAction": ["CreateVolume", "CreateSnapshot", "CopyVolumes"], [`aws:RequestTag/${EBS_CSI_CLUSTER_TAG}`]: OWN_CLUSTER } },
    },
    {
      Sid: "ModifyTagsOnClusterVolumes",
      Effect: "Allow",
      Action: ["ec2:CreateTags", "ec2:DeleteTags"],
      Resource: volumes,
      Condition: {
        ...own(`ec2:ResourceTag/${EBS_CSI_CLUSTER_TAG}`),
        Null: { "aws:TagKeys": "false" },
        "ForAllValues:StringNotEquals": { "aws:TagKeys": ["ebs.csi.aws.com/cluster", EBS_CSI_CLUSTER_TAG, "kubernetes.io/created-for/pvc/name"] },
      },
    },
    { Sid: "VolumeKey", Effect: "Allow", Action: [...ENCRYPT_DECRYPT], Resource: keys, Condition: ownKey },
    {
      Sid: "VolumeKeyGrantsForEc2",
      Effect: "Allow",
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: keys,
      Condition: { ...ownKey, Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ];
}
