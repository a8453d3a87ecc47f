import { k8s } from "../k8s";
import * as names from "../../fleet/names";
import { Replication, replicate } from "../replicate";

/** The EBS CSI driver's provisioner name (installed as an EKS add-on by the Pulumi side). */
export const EBS_CSI_PROVISIONER = "ebs.csi.aws.com";

/**
 * A StorageClass's provisioner, parameters and reclaim policy cannot change in place
 * (kubernetes/kubernetes pkg/apis/storage/validation): an agent replaces it instead of failing
 * the whole layer (Flux: `kustomize.toolkit.fluxcd.io/force: enabled`, fluxcd/kustomize-controller
 * docs/spec/v1/kustomizations.md "Force"; Argo CD: `Force=true,Replace=true`, argoproj/argo-cd
 * docs/user-guide/sync-options.md). Recreating a StorageClass changes no existing volume.
 */
export const REPLACE_ON_IMMUTABLE_CHANGE: Readonly<Record<string, string>> = {
  "kustomize.toolkit.fluxcd.io/force": "enabled",
  "argocd.argoproj.io/sync-options": "Force=true,Replace=true",
};

/**
 * The default StorageClass of every cluster: gp3 volumes encrypted with the cluster's own
 * key (named by alias, so the tree needs no deploy output), created in the zone of the pod
 * that first uses them (`WaitForFirstConsumer`), expandable. Parameters are those of
 * kubernetes-sigs/aws-ebs-csi-driver docs/parameters.md.
 *
 * `Retain`: deleting a claim (or its namespace) leaves the EBS volume and its PersistentVolume
 * (`Released`), so no mistake in Git or on the command line destroys data. The price is a
 * deliberate cleanup: a released volume costs until someone deletes it (docs/RUNBOOK.md,
 * "Removing a namespace"). Kubernetes copies the policy into each volume when it provisions
 * it: volumes created under an earlier policy keep theirs until patched.
 */
export function storageReplication(): Replication {
  return replicate("storage", (scope, { fleet, cluster }) => {
    new k8s.KubeStorageClass(scope, "default", {
      metadata: {
        name: names.DEFAULT_STORAGE_CLASS,
        annotations: { "storageclass.kubernetes.io/is-default-class": "true", ...REPLACE_ON_IMMUTABLE_CHANGE },
      },
      provisioner: EBS_CSI_PROVISIONER,
      parameters: {
        type: "gp3",
        encrypted: "true",
        kmsKeyId: names.volumeKeyAliasArn(cluster.region, fleet.accountId, fleet.name, cluster.name),
        "csi.storage.k8s.io/fstype": "ext4",
      },
      reclaimPolicy: "Retain",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });
  });
}
