import * as YAML from "yaml";
import { emptyPlan } from "../../cli/diff/compare-plans";
import { ManifestTree } from "../../cli/diff/compare-trees";
import { treeRisks } from "../../cli/diff/tree-risks";
import { PlanDocument, PlanResource } from "../../cli/plan-document";

/** A tree of one cluster's platform layer, one object per file as the renderer writes it. */
function tree(objects: Record<string, any>[]): ManifestTree {
  return new Map(objects.map((o) => [`clusters/c0/platform/${o.kind.toLowerCase()}-${o.metadata.namespace ? `${o.metadata.namespace}-` : ""}${o.metadata.name}.yaml`, YAML.stringify(o)]));
}

const agent = (type: string, inputs: Record<string, unknown>): PlanResource => ({ urn: `urn:${type}`, type, name: "c0-agent", parent: null, cluster: "c0", region: "us-east-1", stack: "prod", dependsOn: [], inputs });
const flux = (prune: boolean): PlanDocument => ({
  ...emptyPlan("prod"),
  clusters: [{ name: "c0", region: "us-east-1", role: "primary" }],
  resources: [agent("kubernetes:kustomize.toolkit.fluxcd.io/v1:Kustomization", { metadata: { name: "platform" }, spec: { path: "./gitops/clusters/c0/platform", prune } })],
});
const argocd: PlanDocument = { ...flux(true), resources: [agent("kubernetes:argoproj.io/v1alpha1:ApplicationSet", { spec: { template: { spec: { syncPolicy: { automated: { prune: true } } } } } })] };

const storageClass = (reclaimPolicy?: string) => ({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, provisioner: "ebs.csi.aws.com", ...(reclaimPolicy ? { reclaimPolicy } : {}) });
const namespace = (annotations?: Record<string, string>) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: "orders", ...(annotations ? { annotations } : {}) } });
const statefulSet = (retention?: string) => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "db", namespace: "orders" },
  spec: { volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName: "gp3" } }], ...(retention ? { persistentVolumeClaimRetentionPolicy: { whenDeleted: retention } } : {}) },
});
const claim = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "uploads", namespace: "orders" }, spec: { storageClassName: "gp3" } };
const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "widgets.example.com" }, spec: { names: { kind: "Widget" } } };
const texts = (found: ReturnType<typeof treeRisks>) => found.map((r) => `${r.kind}: ${r.text}`);

describe("what the GitOps agents do with a tree change", () => {
  it("a pruned namespace names the PVCs and volumeClaimTemplates the tree declares in it, and what the StorageClass does with their volumes", () => {
    const base = tree([storageClass(), namespace(), statefulSet(), claim]);
    const [pruned] = texts(treeRisks(base, tree([storageClass()]), flux(true)));
    expect(pruned).toBe(
      "deleted: Namespace `orders` is **pruned** by Flux Kustomization `platform`: Kubernetes deletes everything in the namespace, with PVC `uploads`, the PVCs of StatefulSet `db`'s volumeClaimTemplate `data`, every PVC created in it at run time; StorageClass `gp3` has `reclaimPolicy: Delete`: **its EBS volumes are deleted**",
    );
    // The objects inside it are not named again.
    expect(treeRisks(base, tree([storageClass()]), flux(true))).toHaveLength(1);
    expect(texts(treeRisks(tree([storageClass("Retain"), namespace(), claim]), tree([storageClass("Retain")]), flux(true)))[0]).toContain("StorageClass `gp3` has `reclaimPolicy: Retain`: its EBS volumes stay");
  });

  it("a prune-protected object, or one whose agent does not prune, is orphaned, not deleted", () => {
    const protectedByFlux = tree([storageClass(), namespace({ "kustomize.toolkit.fluxcd.io/prune": "disabled" })]);
    expect(texts(treeRisks(protectedByFlux, tree([storageClass()]), flux(true)))).toEqual([expect.stringMatching(/^orphaned: Namespace `orders` leaves Git but is \*\*orphaned, not deleted\*\*/)]);
    // Argo CD honours its own sync option, not Flux's annotation.
    const protectedByArgo = tree([storageClass(), namespace({ "argocd.argoproj.io/sync-options": "ServerSideApply=true,Prune=false" })]);
    expect(texts(treeRisks(protectedByArgo, tree([storageClass()]), argocd))[0]).toMatch(/^orphaned: .*`argocd\.argoproj\.io\/sync-options`/);
    expect(texts(treeRisks(protectedByFlux, tree([storageClass()]), argocd))[0]).toMatch(/^deleted: Namespace `orders` is \*\*pruned\*\* by Argo CD/);
    expect(texts(treeRisks(tree([namespace()]), tree([]), flux(false)))[0]).toMatch(/^orphaned: Namespace `orders` leaves Git; Flux Kustomization `platform` does not prune/);
  });

  it("a pruned CRD takes its custom resources; a pruned StatefulSet keeps its PVCs unless its retention policy deletes them", () => {
    const found = texts(treeRisks(tree([storageClass(), namespace(), crd, statefulSet(), claim]), tree([storageClass(), namespace()]), flux(true)));
    expect(found).toContainEqual("deleted: CustomResourceDefinition `widgets.example.com` is **pruned** by Flux Kustomization `platform`: Kubernetes deletes every `Widget` object with it, in every namespace (Kubernetes docs, \"Delete a CustomResourceDefinition\")");
    expect(found).toContainEqual(expect.stringContaining("StatefulSet `orders/db` is **pruned** by Flux Kustomization `platform`: its pods stop; the PVCs of volumeClaimTemplates `data` stay"));
    expect(found).toContainEqual(expect.stringContaining("PersistentVolumeClaim `orders/uploads` is **pruned** by Flux Kustomization `platform`: its volume is released; StorageClass `gp3` has `reclaimPolicy: Delete`"));
    const deleting = texts(treeRisks(tree([storageClass(), namespace(), statefulSet("Delete")]), tree([storageClass(), namespace()]), flux(true)));
    expect(deleting[0]).toContain("are **deleted** too (`persistentVolumeClaimRetentionPolicy.whenDeleted: Delete`)");
  });

  it("a Velero schedule that excludes a namespace or stops backing up volumes backs up less", () => {
    const schedule = (template: Record<string, unknown>) => ({ apiVersion: "velero.io/v1", kind: "Schedule", metadata: { name: "fleet-backup", namespace: "velero" }, spec: { schedule: "0 * * * *", template } });
    const found = texts(treeRisks(
      tree([schedule({ includedNamespaces: ["orders", "ingress"], defaultVolumesToFsBackup: true })]),
      tree([schedule({ includedNamespaces: ["ingress"], excludedNamespaces: ["kube-system"] })]),
      flux(true),
    ));
    expect(found).toEqual(["backup-scope: Velero schedule `velero/fleet-backup` backs up less: namespace `orders` is no longer included; namespace `kube-system` is now excluded; volume data is no longer backed up (`defaultVolumesToFsBackup` off)"]);
    expect(treeRisks(tree([schedule({ includedNamespaces: ["a"] })]), tree([schedule({ includedNamespaces: ["a", "b"] })]), flux(true))).toEqual([]);
  });
});
