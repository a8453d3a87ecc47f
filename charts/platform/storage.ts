import { k8s } from "../k8s";
import * as names from "../../fleet/names";
import { Replication, replicate } from "../replicate";

/** The EBS CSI driver's provisioner name (installed as an EKS add-on by the Pulumi side). */
export const EBS_CSI_PROVISIONER = "ebs.csi.aws.com";

/**
 * The default StorageClass of every cluster: gp3 volumes encrypted with the cluster's own
 * key (named by alias, so the tree needs no deploy output), created in the zone of the pod
 * that first uses them (`WaitForFirstConsumer`), expandable. Parameters are those of
 * kubernetes-sigs/aws-ebs-csi-driver docs/parameters.md.
 */
export function storageReplication(): Replication {
  return replicate("storage", (scope, { fleet, cluster }) => {
    new k8s.KubeStorageClass(scope, "default", {
      metadata: {
        name: names.DEFAULT_STORAGE_CLASS,
        annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
      },
      provisioner: EBS_CSI_PROVISIONER,
      parameters: {
        type: "gp3",
        encrypted: "true",
        kmsKeyId: names.volumeKeyAliasArn(cluster.region, fleet.accountId, fleet.name, cluster.name),
        "csi.storage.k8s.io/fstype": "ext4",
      },
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });
  });
}
