import { FleetConfigError, names } from "../../fleet";
import { externalSecretName, fleetReplications, loadReplicated, renderFleet, replicatedReplications } from "../../charts";
import { ARGOCD_SYNC_OPTIONS_ANNOTATION, FLUX_PRUNE_ANNOTATION } from "../../charts/prune-safety";
import { find, fleetOf, Manifest, objectsOf, parsed, render } from "./render-helpers";

const fleet = fleetOf(3, {
  secrets: [
    { name: "payments/db-credentials", namespace: "payments" },
    { name: "payments/api-key", namespace: "payments" },
  ],
});
const tree = render(fleet);
const objects = (cluster: string) => objectsOf(tree, cluster).concat(objectsOf(tree, cluster, "apps"));
const schedulesOf = (cluster: string) => objects(cluster).filter((o) => o.kind === "Schedule");

/**
 * Whether a backup made from this Schedule holds the namespaced resource: Velero's namespace and
 * resource filters (vmware-tanzu/velero site/content/docs/v1.18/resource-filtering.md).
 */
function backsUp(schedule: Manifest, resource: string, namespace: string): boolean {
  const t = schedule.spec.template;
  const included = (list: string[] | undefined, value: string) => !list || list.length === 0 || list.includes("*") || list.includes(value);
  return included(t.includedNamespaces, namespace) && !(t.excludedNamespaces ?? []).includes(namespace)
    && included(t.includedResources, resource) && !(t.excludedResources ?? []).includes(resource);
}

describe("backups that stay apart and hold no secrets", () => {
  it("every cluster runs one Schedule, named after itself, so replicated backups never share a name", () => {
    const scheduleNames = fleet.clusters.map((c) => schedulesOf(c.name).map((s) => s.metadata.name));
    expect(scheduleNames.every((list) => list.length === 1)).toBe(true);
    expect(new Set(scheduleNames.flat()).size).toBe(fleet.clusters.length);
    // Velero names a scheduled backup `<schedule>-<UTC second>`: two clusters firing at the same second still differ.
    const at = "20250101120000";
    const backupNames = scheduleNames.flat().map((schedule) => `${schedule}-${at}`);
    expect(new Set(backupNames).size).toBe(backupNames.length);
    for (const c of fleet.clusters) expect(schedulesOf(c.name)[0].metadata.name).toBe(names.backupScheduleName(c.name));
  });

  it("no Schedule backs up the Secrets External Secrets writes, nor any other Secret", () => {
    const written = objects("c1").filter((o) => o.kind === "ExternalSecret").map((o) => ({ namespace: o.metadata.namespace, name: o.spec.target.name }));
    expect(written.map((w) => w.name)).toEqual(expect.arrayContaining(fleet.secrets.map((s) => externalSecretName(s.name))));
    for (const c of fleet.clusters) {
      const [schedule] = schedulesOf(c.name);
      for (const { namespace } of written) {
        expect(backsUp(schedule, "configmaps", namespace)).toBe(true);
        expect(backsUp(schedule, "secrets", namespace)).toBe(false);
      }
      for (const ns of schedule.spec.template.includedNamespaces) expect(backsUp(schedule, "secrets", ns)).toBe(false);
    }
  });

  it("the Schedule is the cluster's own, in the velero namespace", () => {
    expect(find(objects("c2"), "Schedule", names.backupScheduleName("c2"), names.AGENTS.velero.namespace).spec.template.storageLocation).toBe(names.OWN_BACKUP_LOCATION);
  });
});

/** A stateful app as a team would replicate it: a claim, a StatefulSet that creates claims, and things that hold no data. */
const DATABASE: Manifest[] = [
  { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "uploads", namespace: "payments" },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } },
  { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db", namespace: "payments", annotations: { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "ServerSideApply=true" } },
    spec: { serviceName: "db", selector: { matchLabels: { app: "db" } }, template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db", image: "db:1" }] } },
      volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } }] } },
  { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "cache", namespace: "payments" },
    spec: { serviceName: "cache", selector: { matchLabels: { app: "cache" } }, template: { metadata: { labels: { app: "cache" } }, spec: { containers: [{ name: "c", image: "c:1" }] } } } },
  { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "db-settings", namespace: "payments" }, data: { mode: "primary" } },
];
const withApps = (objects: Manifest[], layer: "apps" | "platform" = "apps") =>
  parsed(renderFleet(fleet, [...fleetReplications(fleet, loadReplicated()), ...replicatedReplications([{ file: `${layer}/db.yaml`, layer, objects }])]));

describe("objects that hold data are never pruned by an agent", () => {
  const everything = withApps(DATABASE);
  const all = fleet.clusters.flatMap((c) => [...objectsOf(everything, c.name), ...objectsOf(everything, c.name, "apps")]);
  const protectedOnes = all.filter((o) =>
    ["Namespace", "CustomResourceDefinition", "PersistentVolumeClaim", "PersistentVolume"].includes(o.kind) || (o.kind === "StatefulSet" && o.spec.volumeClaimTemplates?.length));

  it("every Namespace, CRD (replicated/ included), claim and claim-creating StatefulSet opts out of Flux's and Argo CD's pruning", () => {
    const kinds = new Set(protectedOnes.map((o) => o.kind));
    expect([...kinds].sort()).toEqual(["CustomResourceDefinition", "Namespace", "PersistentVolumeClaim", "StatefulSet"]);
    expect(protectedOnes.some((o) => o.metadata.name === "maintenancewindows.platform.eks-fleet.io")).toBe(true);
    for (const o of protectedOnes) {
      expect(o.metadata.annotations[FLUX_PRUNE_ANNOTATION]).toBe("disabled");
      const options = o.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION].split(",");
      expect(options).toEqual(expect.arrayContaining(["Prune=false", "Delete=false"]));
    }
  });

  it("keeps a manifest's own Argo CD sync options beside them", () => {
    const db = find(objectsOf(everything, "c1", "apps"), "StatefulSet", "db", "payments");
    expect(db.metadata.annotations[ARGOCD_SYNC_OPTIONS_ANNOTATION]).toBe("ServerSideApply=true,Prune=false,Delete=false");
  });

  it("leaves objects without data prunable, so the tree still cleans up after itself", () => {
    const others = all.filter((o) => !protectedOnes.includes(o));
    expect(others.some((o) => o.kind === "StatefulSet" && o.metadata.name === "cache")).toBe(true);
    for (const o of others) expect(o.metadata.annotations?.[FLUX_PRUNE_ANNOTATION]).toBeUndefined();
  });

  it("refuses a manifest that asks an agent to prune its data, naming the object", () => {
    const pruned = { ...DATABASE[0], metadata: { ...DATABASE[0].metadata, annotations: { [FLUX_PRUNE_ANNOTATION]: "enabled" } } };
    expect(() => withApps([pruned])).toThrow(FleetConfigError);
    expect(() => withApps([pruned])).toThrow(`PersistentVolumeClaim payments/uploads: annotation ${FLUX_PRUNE_ANNOTATION}: 'enabled'`);
    const argo = { ...DATABASE[0], metadata: { ...DATABASE[0].metadata, annotations: { [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "Prune=true" } } };
    expect(() => withApps([argo], "platform")).toThrow("'Prune=true' would let Argo CD delete it");
  });
});

describe("the default StorageClass keeps volumes", () => {
  it.each(["c0", "c2"])("retains the EBS volume of a deleted claim on %s, and replaces the class rather than fail on its immutable fields", (cluster) => {
    const sc = find(objects(cluster), "StorageClass", names.DEFAULT_STORAGE_CLASS);
    expect(sc.reclaimPolicy).toBe("Retain");
    expect(sc.metadata.annotations).toMatchObject({
      "storageclass.kubernetes.io/is-default-class": "true",
      "kustomize.toolkit.fluxcd.io/force": "enabled",
      [ARGOCD_SYNC_OPTIONS_ANNOTATION]: "Force=true,Replace=true",
    });
  });
});
